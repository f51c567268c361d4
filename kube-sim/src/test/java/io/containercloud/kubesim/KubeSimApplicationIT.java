package io.containercloud.kubesim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.common.testing.ServiceContract;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kube-sim.clusters=2",
      "kube-sim.nodes=3",
      "kube-sim.base-port=26443",
      "kube-sim.kubeconfig-dir=target/it-kubeconfigs",
      "kube-sim.logs.dir=target/it-logs"
    })
class KubeSimApplicationIT {

  @LocalServerPort int port;

  @Test
  void servesEachClusterThroughItsKubeconfigWithReadyNodes() throws Exception {
    for (String cluster : List.of("room-1", "room-2")) {
      String kubeconfig =
          Files.readString(Path.of("target/it-kubeconfigs", cluster + ".kubeconfig"));
      try (KubernetesClient client =
          new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
        List<Node> nodes = client.nodes().list().getItems();
        assertThat(nodes).hasSize(3);
        assertThat(nodes)
            .allSatisfy(
                n ->
                    assertThat(n.getStatus().getConditions())
                        .anySatisfy(
                            c ->
                                assertThat(c.getType() + "=" + c.getStatus())
                                    .isEqualTo("Ready=True")));
        assertThat(nodes.get(0).getStatus().getAllocatable().get("cpu").toString()).isEqualTo("8");
      }
    }
  }

  @Test
  void adminApiListsAClustersPodsByNamespace() throws Exception {
    String kubeconfig = Files.readString(Path.of("target/it-kubeconfigs", "room-1.kubeconfig"));
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
      for (String name : List.of("b-pod", "a-pod")) {
        client
            .pods()
            .inNamespace("listed")
            .resource(
                new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("registry.local/app:1")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
      }
    }
    String admin = "http://127.0.0.1:" + port + "/clusters/room-1/pods?namespace=";
    assertThat(ServiceContract.get(admin + "listed", null).body()).isEqualTo("a-pod\nb-pod\n");
    assertThat(ServiceContract.get(admin + "empty", null).body()).isEmpty();
    assertThat(ServiceContract.get(admin + "Bad;ns", null).statusCode()).isEqualTo(400);
  }

  @Test
  void adminApiListsTheClusters() {
    String body = ServiceContract.get("http://127.0.0.1:" + port + "/clusters", null).body();
    assertThat(body)
        .contains("\"name\":\"room-1\"")
        .contains("https://127.0.0.1:26444")
        .contains("\"name\":\"room-1-node-3\",\"ready\":true")
        .contains("\"reachable\":true");
  }

  @Test
  void adminApiFailsAndHealsAClusterAndAnswers404ForUnknownOnes() throws Exception {
    String admin = "http://127.0.0.1:" + port + "/clusters/";
    assertThat(post(admin + "room-2/fail").statusCode()).isEqualTo(204);
    String kubeconfig = Files.readString(Path.of("target/it-kubeconfigs", "room-2.kubeconfig"));
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(kubeconfig))
            .editOrNewConfig()
            .withRequestRetryBackoffLimit(0)
            .withConnectionTimeout(1_000)
            .endConfig()
            .build()) {
      assertThatThrownBy(() -> client.nodes().list()).isInstanceOf(KubernetesClientException.class);
      assertThat(post(admin + "room-2/heal").statusCode()).isEqualTo(204);
      assertThat(client.nodes().list().getItems()).hasSize(3);
    }
    assertThat(post(admin + "room-9/fail").statusCode()).isEqualTo(404);
  }

  @Test
  void adminApiSetsWhatADeploymentLogsAndRefusesBadSettingsNamingTheField() {
    String admin = "http://127.0.0.1:" + port + "/clusters/";
    String chatter =
        "{\"namespace\":\"shop\",\"deployment\":\"web\",\"linesPerSecond\":10,"
            + "\"lineLength\":100,\"stderrShare\":%s,\"stackTraceShare\":0.1,"
            + "\"longLineShare\":0}";
    assertThat(put(admin + "room-1/logs", chatter.formatted("0.2")).statusCode()).isEqualTo(204);
    var bad = put(admin + "room-1/logs", chatter.formatted("2"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("stderrShare");
    assertThat(put(admin + "room-9/logs", chatter.formatted("0.2")).statusCode()).isEqualTo(404);
  }

  private static java.net.http.HttpResponse<String> put(String url, String json) {
    return ServiceContract.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private static java.net.http.HttpResponse<String> post(String url) {
    return ServiceContract.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
            .build());
  }

  @Test
  void exposesProbesMetricsAndOpenApi() {
    ServiceContract.assertOperational(port);
  }

  @Test
  void acceptsTheDocumentedCommandLine() {
    assertThat(
            KubeSimApplication.normalize(
                new String[] {"--clusters", "3", "--nodes=5", "--other=x"}))
        .containsExactly("--kube-sim.clusters=3", "--kube-sim.nodes=5", "--other=x");
  }
}
