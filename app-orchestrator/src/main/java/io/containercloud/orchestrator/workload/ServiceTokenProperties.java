package io.containercloud.orchestrator.workload;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The orchestrator's own account at the gateway ({@code platform.apps.service-token.*}), for work
 * no user is waiting on: steps after the request that started them, resumes after a restart,
 * upgrades that image pushes start. The gateway must list the same client and secret under {@code
 * platform.gateway.service-accounts}.
 *
 * @param gatewayUrl where the gateway's {@code /api/auth/token} is
 * @param clientId the account's name
 * @param secretFile the file holding its secret (a mounted Secret), read when a token is needed
 */
@Validated
@ConfigurationProperties("platform.apps.service-token")
public record ServiceTokenProperties(
    @NotNull @DefaultValue("http://127.0.0.1:8080") URI gatewayUrl,
    @NotBlank @DefaultValue("app-orchestrator") String clientId,
    @NotNull Path secretFile) {

  @AssertTrue(message = "must name the file holding the orchestrator's client secret")
  boolean isSecretFile() {
    return secretFile != null && !secretFile.toString().isBlank();
  }
}
