package io.containercloud.build.registry.sync;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.sync}: how sync policies copy images.
 *
 * @param parallelImages images (each for one destination) copied side by side by this instance
 * @param parallelBlobs blobs transferred side by side, across those images
 * @param chunkSize blobs larger than this are uploaded in chunks of this size (proxies in front of
 *     registries often cap a request's body)
 * @param pollInterval how often due items and schedules are looked for (new work wakes it at once)
 * @param retryInitial the wait before a failed item's second try, doubled after each failure
 * @param retryMax the longest wait between tries: a destination back from an outage is caught up
 *     within it
 * @param minScheduleInterval the shortest interval a policy's schedule may have (each run lists the
 *     source's catalog)
 * @param retention how long a finished execution is kept, with its items (one still retrying a
 *     failed copy is not finished)
 */
@Validated
@ConfigurationProperties("platform.build.sync")
record SyncProperties(
    @Min(1) @Max(64) @DefaultValue("4") int parallelImages,
    @Min(1) @Max(128) @DefaultValue("8") int parallelBlobs,
    @NotNull @DefaultValue("64MB") DataSize chunkSize,
    @NotNull @DefaultValue("1s") Duration pollInterval,
    @NotNull @DefaultValue("2s") Duration retryInitial,
    @NotNull @DefaultValue("5m") Duration retryMax,
    @NotNull @DefaultValue("1m") Duration minScheduleInterval,
    @NotNull @DefaultValue("30d") Duration retention) {}
