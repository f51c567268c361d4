package io.containercloud.kubesim;

import io.containercloud.kubesim.cluster.KubeSimProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/** kube-sim's settings for tests: clusters named {@code room-<i>} on free ports, quick pods. */
public final class TestProperties {

  private TestProperties() {}

  public static KubeSimProperties of(
      int clusters, int nodes, String nodeMemory, Duration servingCertValidity) throws IOException {
    return new KubeSimProperties(
        clusters,
        nodes,
        0,
        "room",
        Files.createTempDirectory("kube-sim"),
        "4",
        nodeMemory,
        110,
        "127.0.0.1",
        "127.0.0.1",
        Duration.ofMillis(200),
        10,
        Duration.ofMillis(100),
        Duration.ofMillis(20),
        Duration.ofSeconds(1),
        Duration.ofDays(3650),
        servingCertValidity);
  }
}
