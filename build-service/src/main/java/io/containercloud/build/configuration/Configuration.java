package io.containercloud.build.configuration;

import io.containercloud.build.configuration.model.ConfigurationSpec;
import java.time.Instant;

/**
 * A stored build configuration.
 *
 * @param version bumped by every change (the API's ETag)
 */
public record Configuration(
    long id,
    String tenant,
    String name,
    ConfigurationSpec spec,
    long version,
    Instant createdAt,
    Instant updatedAt) {}
