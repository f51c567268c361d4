package io.containercloud.cluster.registry;

import io.containercloud.common.config.Secret;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The cluster registry ({@code platform.cluster.*}).
 *
 * @param credentialsKey the AES-256 key (base64, 32 bytes) that encrypts kubeconfigs at rest;
 *     required, kept outside the database ({@code PLATFORM_CLUSTER_CREDENTIALS_KEY}), never shown
 * @param probeInterval how often each cluster's API, nodes and capacity are read
 * @param probeTimeout how long one probe may take before it counts as failed
 */
@Validated
@ConfigurationProperties("platform.cluster")
public record RegistryProperties(
    @NotNull Secret credentialsKey,
    @NotNull @DefaultValue("5s") Duration probeInterval,
    @NotNull @DefaultValue("3s") Duration probeTimeout) {}
