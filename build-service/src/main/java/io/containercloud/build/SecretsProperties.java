package io.containercloud.build;

import io.containercloud.common.config.Secret;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.secrets-key}: the AES-256 key (base64, 32 bytes) that seals what
 * build-service keeps secret at rest: configurations' webhook secrets and registries' credentials.
 */
@Validated
@ConfigurationProperties("platform.build")
public record SecretsProperties(@NotNull Secret secretsKey) {}
