package io.containercloud.build.hook;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.hooks}: git push webhooks.
 *
 * @param publicPath where git hosts reach the hooks through the gateway (shown with each secret)
 */
@Validated
@ConfigurationProperties("platform.build.hooks")
record HookProperties(@NotBlank @DefaultValue("/hooks/builds") String publicPath) {}
