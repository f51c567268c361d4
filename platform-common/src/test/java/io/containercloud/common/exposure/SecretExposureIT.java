package io.containercloud.common.exposure;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.common.testing.SecretExposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class SecretExposureIT {

  @Test
  void aSecretInAPropertiesRecordIsFound(CapturedOutput output) {
    String key = SecretExposure.aesKey();

    assertThatThrownBy(
            () ->
                SecretExposure.of(LeakyApplication.class)
                    .secret("leaky.key", key)
                    .assertNeverShown(output))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("leaky.key");
  }

  @Test
  void aStartFailureQuotingTheValueIsFound(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                SecretExposure.of(LeakyApplication.class)
                    .assertMalformedNotEchoed("leaky.key", output))
        .isInstanceOf(AssertionError.class);
  }
}
