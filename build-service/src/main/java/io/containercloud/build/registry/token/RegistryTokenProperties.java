package io.containercloud.build.registry.token;

import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * build-service as the token service of the local (distribution) registries ({@code
 * platform.build.registry-tokens.*}); off unless a key is given. Each registry's {@code auth.token}
 * names this service's {@code /registry/token} as its realm, the same issuer and service, and the
 * certificate as its root bundle.
 *
 * @param key the PEM (PKCS#8) RSA private key tokens are signed with, or null: no token service
 * @param certificate the PEM certificate of that key, sent in each token's {@code x5c} header
 * @param issuer the {@code iss} the registries expect
 * @param service the {@code aud} the registries expect (their {@code auth.token.service})
 * @param ttl how long a token is good for
 */
@Validated
@ConfigurationProperties("platform.build.registry-tokens")
record RegistryTokenProperties(
    Path key,
    Path certificate,
    @NotBlank @DefaultValue("container-cloud-build-service") String issuer,
    @NotBlank @DefaultValue("container-cloud-registry") String service,
    @DefaultValue("5m") Duration ttl) {

  boolean enabled() {
    return key != null;
  }
}
