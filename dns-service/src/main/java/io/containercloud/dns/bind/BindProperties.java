package io.containercloud.dns.bind;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The BIND server this instance keeps in step ({@code platform.dns.bind.*}).
 *
 * @param host address of the primary server
 * @param port its DNS port
 * @param timeout how long one query or update may take
 * @param probeZone a zone the server is authoritative for; its SOA answers the health probe
 */
@Validated
@ConfigurationProperties("platform.dns.bind")
public record BindProperties(
    @NotBlank String host,
    @Min(1) @Max(65535) int port,
    @NotNull @DefaultValue("2s") Duration timeout,
    @NotBlank String probeZone) {}
