package io.containercloud.common.security;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a service verifies access tokens ({@code platform.security.*}).
 *
 * @param jwksUri where the gateway publishes its signing keys (required)
 * @param issuer the {@code iss} every token must carry
 * @param audience the {@code aud} every token must include
 */
@Validated
@ConfigurationProperties("platform.security")
public record PlatformSecurityProperties(
    @NotNull URI jwksUri,
    @NotBlank @DefaultValue("container-cloud-gateway") String issuer,
    @NotBlank @DefaultValue("container-cloud") String audience) {}
