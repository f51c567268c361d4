package io.containercloud.nginxmgr;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** No secret of the service (the key that seals certificate keys) shows anywhere. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

  private static SecretExposure service() {
    return SecretExposure.of(NginxMgrApplication.class)
        .secret("platform.nginx.certificates-key", SecretExposure.aesKey());
  }

  @Test
  void secretsNeverShow(CapturedOutput output) {
    service().assertNeverShown(output);
  }

  @Test
  void aMalformedKeyStopsTheStartWithoutShowingIt(CapturedOutput output) {
    service().assertMalformedNotEchoed("platform.nginx.certificates-key", output);
  }
}
