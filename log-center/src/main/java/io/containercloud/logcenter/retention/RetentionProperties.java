package io.containercloud.logcenter.retention;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long records are kept ({@code platform.logs.retention.*}).
 *
 * @param keep the age after which a tenant's daily index is deleted
 * @param tenants a tenant's own age where it differs, by tenant
 * @param interval how often old indices are looked for
 */
@Validated
@ConfigurationProperties("platform.logs.retention")
public record RetentionProperties(
    @NotNull @DefaultValue("14d") Duration keep,
    @NotNull @DefaultValue Map<String, Duration> tenants,
    @NotNull @DefaultValue("1h") Duration interval) {

  Duration keepFor(String tenant) {
    return tenants.getOrDefault(tenant, keep);
  }
}
