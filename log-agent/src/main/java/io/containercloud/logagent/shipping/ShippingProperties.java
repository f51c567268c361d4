package io.containercloud.logagent.shipping;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How records reach Elasticsearch ({@code platform.log-agent.shipping.*}). Memory stays under about
 * {@code batch-size x (queue + senders + 1)}: when the queue is full, reading pauses.
 *
 * @param batchRecords records in one {@code _bulk} request at most
 * @param batchSize bytes of records in one request at most
 * @param linger how long a batch being filled may wait for more records before it is sent
 * @param senders requests in flight at once
 * @param queue batches ready and waiting for a sender
 * @param retryMin the first wait before a failed request is sent again (doubled up to {@code
 *     retry-max}; a success resets it)
 * @param retryMax the longest wait between two attempts
 */
@Validated
@ConfigurationProperties("platform.log-agent.shipping")
public record ShippingProperties(
    @Min(1) @Max(100_000) @DefaultValue("5000") int batchRecords,
    @NotNull @DefaultValue("1MB") DataSize batchSize,
    @NotNull @DefaultValue("200ms") Duration linger,
    @Min(1) @Max(16) @DefaultValue("2") int senders,
    @Min(1) @Max(64) @DefaultValue("2") int queue,
    @NotNull @DefaultValue("200ms") Duration retryMin,
    @NotNull @DefaultValue("5s") Duration retryMax) {}
