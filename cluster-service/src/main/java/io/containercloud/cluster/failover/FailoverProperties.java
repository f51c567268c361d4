package io.containercloud.cluster.failover;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Failover ({@code platform.cluster.failover.*}).
 *
 * @param failedAfterProbes consecutive failed probes that fail a cluster (with the default 5 s
 *     probe interval, 3 means about 15 s)
 * @param maxNotReadyShare a reachable cluster fails when more than this share of its nodes are not
 *     Ready
 * @param quietPeriod how long a failed cluster must stay healthy before replicas return to it
 */
@Validated
@ConfigurationProperties("platform.cluster.failover")
public record FailoverProperties(
    @DefaultValue("3") @Min(1) int failedAfterProbes,
    @DefaultValue("0.5") @DecimalMin("0.0") @DecimalMax("1.0") double maxNotReadyShare,
    @NotNull @DefaultValue("2m") Duration quietPeriod) {}
