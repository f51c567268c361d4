package io.containercloud.audit.chain;

import java.time.Instant;

/**
 * One audit record before it joins a chain: what happened, who did it, to what.
 *
 * @param payload the event's data as received (secrets already redacted by the producer), kept as
 *     the exact text that is hashed
 */
public record AuditEntry(
    String eventId,
    String tenant,
    Instant occurredAt,
    String actor,
    String action,
    String service,
    String method,
    Integer status,
    String targetId,
    String payload) {}
