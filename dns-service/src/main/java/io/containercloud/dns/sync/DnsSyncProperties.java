package io.containercloud.dns.sync;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How desired state reaches BIND ({@code platform.dns.sync.*}).
 *
 * @param pollInterval how often pending sets are looked for when no commit woke the pusher
 * @param batchSize record sets per dynamic update message
 * @param initialBackoff wait after a first failure; doubles per failure
 * @param maxBackoff the longest wait between retries of a failing set
 * @param driftInterval how often every zone is compared with BIND (zone transfer)
 */
@Validated
@ConfigurationProperties("platform.dns.sync")
public record DnsSyncProperties(
    @NotNull @DefaultValue("1s") Duration pollInterval,
    @Min(1) @Max(1000) @DefaultValue("200") int batchSize,
    @NotNull @DefaultValue("500ms") Duration initialBackoff,
    @NotNull @DefaultValue("30s") Duration maxBackoff,
    @NotNull @DefaultValue("60s") Duration driftInterval) {}
