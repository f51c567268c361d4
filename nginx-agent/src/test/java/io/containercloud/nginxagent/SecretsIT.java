package io.containercloud.nginxagent;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** No secret of the service (the key that opens certificate keys) shows anywhere. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

  private static SecretExposure service() {
    return SecretExposure.of(NginxAgentApplication.class)
        .secret("platform.nginx-agent.certificates-key", SecretExposure.aesKey())
        .setting("platform.nginx-agent.prefix", "target/nginx-secrets")
        .setting("platform.nginx-agent.cluster", "secrets-it");
  }

  @Test
  void secretsNeverShow(CapturedOutput output) {
    service().assertNeverShown(output);
  }

  @Test
  void aMalformedKeyStopsTheStartWithoutShowingIt(CapturedOutput output) {
    service().assertMalformedNotEchoed("platform.nginx-agent.certificates-key", output);
  }
}
