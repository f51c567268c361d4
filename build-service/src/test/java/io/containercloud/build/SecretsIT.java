package io.containercloud.build;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** No secret of the service (the database password) shows anywhere. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

  private static SecretExposure service() {
    return SecretExposure.of(BuildServiceApplication.class).database("build_test");
  }

  @Test
  void secretsNeverShow(CapturedOutput output) {
    service().assertNeverShown(output);
  }
}
