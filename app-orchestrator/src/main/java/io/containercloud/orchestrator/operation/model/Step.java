package io.containercloud.orchestrator.operation.model;

import java.time.Instant;

/**
 * One step of an operation: one action on one service's workload, then waiting until it holds.
 * Steps of a layer run side by side; a layer starts once every earlier one is done.
 *
 * @param calls the changes sent to cluster-service so far (each with its own idempotency key)
 * @param expectedVersion the workload version the last change named in {@code If-Match}
 * @param resultVersion the workload version its changes produced: from then on it waits for the
 *     workload to be Ready (or stopped, or gone) at that version or a later one; null while changes
 *     are still being made
 * @param readiness what the clusters ran when last seen (JSON, per cluster)
 * @param reason why it failed, was cancelled or was skipped, or null
 * @param deadline when it fails unless done
 */
public record Step(
    long operationId,
    int seq,
    int layer,
    String service,
    String workload,
    StepAction action,
    State state,
    int calls,
    Long expectedVersion,
    Long resultVersion,
    String readiness,
    String reason,
    Instant startedAt,
    Instant finishedAt,
    Instant deadline) {}
