package io.containercloud.build.registry.sync;

/** Work was queued for the sync worker: it wakes once the transaction that queued it commits. */
record SyncQueued() {}
