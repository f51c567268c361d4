package io.containercloud.gateway;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * No secret of the service (the bootstrap admin's password and the database password) shows
 * anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

  // its own database: the bootstrap admin is made with this run's password, which logs in
  private static SecretExposure service() {
    String password = "admin-" + SecretExposure.aesKey();
    return SecretExposure.of(GatewayApplication.class)
        .freshDatabase("gateway_secrets_test")
        .secret("platform.gateway.bootstrap-admin-password", password)
        .caller(port -> GatewayFixture.login(port, "admin", password));
  }

  @Test
  void secretsNeverShow(CapturedOutput output) {
    service().assertNeverShown(output);
  }
}
