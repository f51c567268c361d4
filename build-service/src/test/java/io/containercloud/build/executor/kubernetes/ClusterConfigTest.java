package io.containercloud.build.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cluster the kubernetes executor builds on. */
class ClusterConfigTest {

  @TempDir Path dir;

  @Test
  void aKubeconfigNamesTheCluster() throws Exception {
    Path kubeconfig = dir.resolve("build.kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: builds, cluster: {server: "https://builds.example.com:6443"}}]
        users: [{name: robot, user: {token: abc}}]
        contexts: [{name: builds, context: {cluster: builds, user: robot}}]
        current-context: builds
        """);

    assertThat(KubernetesExecutor.config(kubeconfig).getMasterUrl())
        .startsWith("https://builds.example.com:6443");
  }

  @Test
  void withoutOneOutsideAPodTheSettingIsAskedFor() {
    assertThat(System.getenv("KUBERNETES_SERVICE_HOST"))
        .as("these tests run outside a pod")
        .isNull();
    assertThatThrownBy(() -> KubernetesExecutor.config(null))
        .hasMessageContaining("platform.build.kubernetes.kubeconfig must name")
        .hasMessageContaining("outside a pod");
    assertThatThrownBy(() -> KubernetesExecutor.config(dir.resolve("missing")))
        .hasMessageContaining("names no readable file");
  }
}
