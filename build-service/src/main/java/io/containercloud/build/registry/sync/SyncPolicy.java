package io.containercloud.build.registry.sync;

import java.time.Instant;

/** A tenant's sync policy as stored. */
record SyncPolicy(
    long id,
    String tenant,
    String name,
    SyncPolicySpec spec,
    long version,
    Instant lastRunAt,
    Instant createdAt,
    Instant updatedAt) {}
