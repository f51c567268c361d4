package io.containercloud.common.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class RequiredSettingsIT {

  @Test
  void serviceWithoutJwksUriStopsAtStartNamingTheProperty(CapturedOutput output) {
    SpringApplication app = new SpringApplication(CommonTestApplication.class);
    assertThatThrownBy(() -> app.run("--server.port=0", "--platform.security.jwks-uri="))
        .hasStackTraceContaining("jwksUri");
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("Property: platform.security.jwksUri")
        .contains("must not be null");
  }
}
