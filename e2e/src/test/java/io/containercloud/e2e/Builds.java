package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/** Builds through the gateway as a developer of tenant {@code platform} runs them. */
final class Builds {

  // a cold dependency cache: Maven fetches its plugins and the sample's dependencies first
  private static final Duration LIMIT = Duration.ofMinutes(10);

  /** A finished build as the API shows it, and its log. */
  record Build(String json, String log) {}

  private Builds() {}

  /**
   * Configures {@code name} to build {@code repositoryUrl}'s {@code main} with the Maven toolchain
   * into image {@code name}, runs its first build and waits until it has ended.
   */
  static Build first(Session dev, String name, String repositoryUrl) {
    dev.ok(
        "POST",
        "/api/builds/configurations",
        """
        {"name":"%s","spec":{"repositoryUrl":"%s","ref":"main","toolchain":"java-maven",
         "image":"%s","resources":{"cpu":"1","memory":"1Gi"},"timeoutSeconds":1200}}"""
            .formatted(name, repositoryUrl, name));
    assertThat(dev.ok("POST", "/api/builds/configurations/platform/" + name + "/builds", null))
        .contains("\"number\":1");
    String path = "/api/builds/builds/platform/" + name + "/1";
    await()
        .atMost(LIMIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !dev.ok("GET", path, null).matches(".*\"status\":\"(QUEUED|RUNNING)\".*"));
    return new Build(dev.ok("GET", path, null), dev.ok("GET", path + "/log", null));
  }
}
