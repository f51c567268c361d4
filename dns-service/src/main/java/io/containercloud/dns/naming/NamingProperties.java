package io.containercloud.dns.naming;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Automatic names for workloads ({@code platform.dns.naming.*}).
 *
 * @param zone the managed zone the names live in
 * @param pattern the name below the zone; {@code {service}}, {@code {application}} and {@code
 *     {tenant}} are replaced by the workload's (checked) labels
 * @param ttl TTL of automatic record sets; short, since addresses move on failover
 */
@Validated
@ConfigurationProperties("platform.dns.naming")
public record NamingProperties(
    @NotBlank @DefaultValue("platform.test") String zone,
    @NotBlank
        @Pattern(
            regexp =
                "(\\{(service|application|tenant)}|[a-z0-9-])+(\\.(\\{(service|application|tenant)}|[a-z0-9-])+)*",
            message =
                "may hold only {service}, {application}, {tenant}, letters, digits, hyphens and dots")
        @DefaultValue("{service}.{application}.{tenant}")
        String pattern,
    @Min(30) @Max(86400) @DefaultValue("60") int ttl) {}
