package io.containercloud.dns;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** No secret of the service (TSIG secrets and the database password) shows anywhere. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT {

  // the test profile's key: another value would have this instance's updates refused by the
  // local BIND while it runs beside the other tests
  private static final String TSIG_SECRET = "Gw3Ym8K+Wh7OnwWUhOzFcAuYwqCGSQrULw4vOqLgcUQ=";

  private static SecretExposure service() {
    return SecretExposure.of(DnsServiceApplication.class)
        .database("dns_test")
        .secret("platform.dns.tsig-keys.platform-key.secret", TSIG_SECRET);
  }

  @Test
  void secretsNeverShow(CapturedOutput output) {
    service().assertNeverShown(output);
  }

  @Test
  void aMalformedKeyStopsTheStartWithoutShowingIt(CapturedOutput output) {
    service().assertMalformedNotEchoed("platform.dns.tsig-keys.platform-key.secret", output);
  }
}
