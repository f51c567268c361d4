package io.containercloud.cluster;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * No secret of the service (the key that seals kubeconfigs and the database password) shows
 * anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

  // the test profile's key: another value would make this instance unable to open the
  // kubeconfigs the other tests registered while it runs beside them
  private static final String CREDENTIALS_KEY = "3q2+7w0KMxXl2m0cN0r7pE8Vb6cK1u9yZ0Qx4n5sT2A=";

  private static SecretExposure service() {
    return SecretExposure.of(ClusterServiceApplication.class)
        .database("cluster_test")
        .secret("platform.cluster.credentials-key", CREDENTIALS_KEY);
  }

  @Test
  void secretsNeverShow(CapturedOutput output) {
    service().assertNeverShown(output);
  }

  @Test
  void aMalformedKeyStopsTheStartWithoutShowingIt(CapturedOutput output) {
    service().assertMalformedNotEchoed("platform.cluster.credentials-key", output);
  }
}
