package io.containercloud.build.executor;

import io.containercloud.build.configuration.model.ConfigurationSpec;

/**
 * What one build is to do.
 *
 * @param id the build's id, unique on the platform
 * @param tenant the tenant whose code it is (its project in the registry, its cache)
 * @param configuration the configuration's name
 * @param number the build's number in its configuration
 * @param spec the configuration as it was when the build was asked for
 * @param repository where the image goes, without tag: {@code <registry>/<tenant>/<image>}
 */
public record BuildJob(
    long id,
    String tenant,
    String configuration,
    long number,
    ConfigurationSpec spec,
    String repository) {}
