package io.containercloud.orchestrator.workload;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How app-orchestrator calls cluster-service ({@code platform.apps.cluster-service.*}).
 *
 * @param url cluster-service's base URL (directly, not through the gateway: one operation is one
 *     audit entry, not one per workload call)
 * @param connectTimeout how long a connection may take
 * @param readTimeout how long an answer may take
 * @param readAttempts how often a read (the only calls retried at once) is tried
 * @param retryWait the pause between read attempts
 * @param failureRate the share of failed calls (unreachable, 5xx, timeouts; not refusals) among the
 *     last {@code window} that opens the circuit breaker
 * @param window the calls the breaker counts
 * @param openFor how long an open breaker refuses calls before it lets a few try
 */
@Validated
@ConfigurationProperties("platform.apps.cluster-service")
public record ClusterServiceProperties(
    @NotNull @DefaultValue("http://127.0.0.1:8081") URI url,
    @NotNull @DefaultValue("2s") Duration connectTimeout,
    @NotNull @DefaultValue("10s") Duration readTimeout,
    @Min(1) @Max(10) @DefaultValue("3") int readAttempts,
    @NotNull @DefaultValue("200ms") Duration retryWait,
    @Min(1) @Max(100) @DefaultValue("50") int failureRate,
    @Min(2) @Max(1000) @DefaultValue("10") int window,
    @NotNull @DefaultValue("5s") Duration openFor) {}
