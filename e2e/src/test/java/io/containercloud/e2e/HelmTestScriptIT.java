package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.LocalInfra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chart's {@code helm test} script (files/test-login.sh), run with sh and curl against the real
 * gateway: it passes for a user who may log in and fails for a wrong password. (In kube-sim the
 * hook Job's outcome is simulated: HelmLifecycleIT.)
 */
class HelmTestScriptIT {

  private static final Path SCRIPT =
      LocalInfra.projectRoot().resolve("helm/container-cloud/files/test-login.sh");

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void passesAgainstTheGatewayForAUserWhoMayLogInAndFailsOtherwise() throws Exception {
    String user = "helm-test-" + platform.run;
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    platform.ok(
        "POST",
        "/api/admin/users",
        """
        {"username":"%s","password":"%s","tenant":"platform","roles":["developer"]}"""
            .formatted(user, password));

    Run passed = run(user, password);
    assertThat(passed.exit()).as(passed.output()).isZero();
    assertThat(passed.output()).contains("gateway ready at", user + " logged in");

    Run failed = run(user, password + "x");
    assertThat(failed.exit()).as(failed.output()).isNotZero();
    assertThat(failed.output()).doesNotContain("logged in");
  }

  private record Run(int exit, String output) {}

  private Run run(String user, String password) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
    builder.environment().put("GATEWAY", platform.gatewayUrl());
    builder.environment().put("USERNAME", user);
    builder.environment().put("PASSWORD", password);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
