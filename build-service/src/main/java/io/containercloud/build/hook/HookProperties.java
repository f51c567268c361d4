package io.containercloud.build.hook;

import io.containercloud.common.config.Secret;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.hooks}: git push webhooks.
 *
 * @param secretsKey the AES-256 key (base64, 32 bytes) that seals each configuration's webhook
 *     secret at rest
 * @param publicPath where git hosts reach the hooks through the gateway (shown with each secret)
 */
@Validated
@ConfigurationProperties("platform.build.hooks")
record HookProperties(
    @NotNull Secret secretsKey, @NotBlank @DefaultValue("/hooks/builds") String publicPath) {}
