package io.containercloud.common.outbox;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the outbox and its relay ({@code platform.outbox.*}).
 *
 * @param enabled whether this instance relays events (every instance may write them)
 * @param pollInterval how often the relay looks for events when no commit woke it
 * @param batchSize events read and published per round
 * @param sendTimeout how long one round waits for Kafka before retrying later
 * @param maxBackoff the longest pause between rounds while Kafka fails
 * @param retention how long sent events stay in the table (for inspection) before deletion
 * @param maxEventSize the largest serialized event accepted
 */
@Validated
@ConfigurationProperties("platform.outbox")
public record OutboxProperties(
    @DefaultValue("true") boolean enabled,
    @NotNull @DefaultValue("500ms") Duration pollInterval,
    @Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
    @NotNull @DefaultValue("10s") Duration sendTimeout,
    @NotNull @DefaultValue("10s") Duration maxBackoff,
    @NotNull @DefaultValue("1d") Duration retention,
    @NotNull @DefaultValue("256KB") DataSize maxEventSize) {}
