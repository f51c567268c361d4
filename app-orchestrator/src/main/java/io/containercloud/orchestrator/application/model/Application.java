package io.containercloud.orchestrator.application.model;

import java.time.Instant;

/**
 * An application as stored: its current definition and version (bumped by every change, the API's
 * ETag), who changed it last, and whether it is being deleted.
 */
public record Application(
    long id,
    String tenant,
    String name,
    Definition definition,
    long version,
    Instant createdAt,
    Instant updatedAt,
    String updatedBy,
    boolean deleting) {}
