package io.containercloud.build;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** No secret of the service (the database password) shows anywhere. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

  // the test profile's values: others would lock the other tests' webhooks and registry out
  private static final String SECRETS_KEY = "9VbZ4o2d8cJx7TqkR1mN3pL5sW0yE6uH2aF4gK8jQ1c=";
  private static final String REGISTRY_SECRET = "local-registry-notifications-only-on-loopback";

  private static SecretExposure service() {
    return SecretExposure.of(BuildServiceApplication.class)
        .database("build_test")
        .secret("platform.build.secrets-key", SECRETS_KEY)
        .secret("platform.build.registry-events.secret", REGISTRY_SECRET);
  }

  @Test
  void secretsNeverShow(CapturedOutput output) {
    service().assertNeverShown(output);
  }

  @Test
  void aMalformedSecretsKeyStopsTheStartWithoutShowingIt(CapturedOutput output) {
    service().assertMalformedNotEchoed("platform.build.secrets-key", output);
  }
}
