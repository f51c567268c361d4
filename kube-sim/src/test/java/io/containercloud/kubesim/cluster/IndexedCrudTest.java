package io.containercloud.kubesim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The indexed store answers as fabric8's own: the same requests against the plain CRUD mock and the
 * indexed one give the same objects, in the same order.
 */
class IndexedCrudTest {

  private final List<KubernetesMockServer> servers = new ArrayList<>();
  private KubernetesClient plain;
  private KubernetesClient indexed;

  @BeforeEach
  void start() throws Exception {
    plain = serve(new KubernetesCrudDispatcher());
    indexed = serve(new IndexedCrud());
  }

  @AfterEach
  void stop() {
    plain.close();
    indexed.close();
    servers.forEach(KubernetesMockServer::destroy);
  }

  @Test
  void getsListsAndSelectsAsTheMockDoes() {
    List<String> answers = both(this::populateAndRead);
    assertThat(answers.get(1)).isEqualTo(answers.get(0));
    // what both answered is what was asked for, not two empty answers
    assertThat(answers.get(0))
        .contains("get=team-a/web")
        .contains("namespace=[web, api]")
        .contains("selected=[team-a/api, team-b/api, team-c/cache, team-c/db]")
        .contains("not=[team-a/web, team-b/web]")
        .contains("all=6");
  }

  @Test
  void updatesPatchesAndDeletesAsTheMockDoes() {
    List<String> answers = both(this::changeAndRead);
    assertThat(answers.get(1)).isEqualTo(answers.get(0));
    assertThat(answers.get(0))
        .contains("replicas=5")
        .contains("ready=2")
        .contains("labels={tier=front, changed=yes}")
        .contains("after-delete=[team-a/api]")
        .contains("gone=null")
        .contains("second-delete=false");
  }

  private List<String> both(Function<KubernetesClient, String> scenario) {
    return List.of(scenario.apply(plain), scenario.apply(indexed));
  }

  private String populateAndRead(KubernetesClient client) {
    populate(client);
    List<String> read = new ArrayList<>();
    read.add("get=" + id(client.apps().deployments().inNamespace("team-a").withName("web").get()));
    read.add(
        "namespace="
            + client.apps().deployments().inNamespace("team-a").list().getItems().stream()
                .map(d -> d.getMetadata().getName())
                .toList());
    read.add(
        "selected="
            + ids(
                client
                    .apps()
                    .deployments()
                    .inAnyNamespace()
                    .withLabel("tier", "back")
                    .list()
                    .getItems()));
    read.add(
        "not="
            + ids(
                client
                    .apps()
                    .deployments()
                    .inAnyNamespace()
                    .withoutLabel("tier", "back")
                    .list()
                    .getItems()));
    read.add("missing=" + client.apps().deployments().inNamespace("team-c").withName("web").get());
    read.add("configmaps=" + ids(client.configMaps().inAnyNamespace().list().getItems()));
    read.add("all=" + client.apps().deployments().inAnyNamespace().list().getItems().size());
    return String.join("\n", read);
  }

  private String changeAndRead(KubernetesClient client) {
    populate(client);
    var web = client.apps().deployments().inNamespace("team-a").withName("web");
    web.edit(
        d -> {
          d.getSpec().setReplicas(5);
          return d;
        });
    web.editStatus(
        d -> {
          d.setStatus(new DeploymentStatusBuilder().withReadyReplicas(2).build());
          return d;
        });
    web.edit(
        d -> {
          d.getMetadata().getLabels().put("changed", "yes");
          return d;
        });
    Deployment changed = web.get();
    List<String> read = new ArrayList<>();
    read.add("replicas=" + changed.getSpec().getReplicas());
    read.add("ready=" + changed.getStatus().getReadyReplicas());
    read.add("labels=" + changed.getMetadata().getLabels());
    web.delete();
    read.add(
        "after-delete=" + ids(client.apps().deployments().inNamespace("team-a").list().getItems()));
    read.add("gone=" + web.get());
    read.add("second-delete=" + !web.delete().isEmpty());
    read.add(
        "other-team=" + ids(client.apps().deployments().inNamespace("team-b").list().getItems()));
    return String.join("\n", read);
  }

  private static void populate(KubernetesClient client) {
    for (String team : List.of("team-a", "team-b")) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(team).endMetadata().build())
          .create();
      for (String name : List.of("web", "api")) {
        client
            .apps()
            .deployments()
            .inNamespace(team)
            .resource(deployment(name, name.equals("web") ? "front" : "back"))
            .create();
      }
      ConfigMap settings =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName("web")
              .endMetadata()
              .addToData("k", "v")
              .build();
      client.configMaps().inNamespace(team).resource(settings).create();
    }
    client.apps().deployments().inNamespace("team-c").resource(deployment("db", "back")).create();
    client
        .apps()
        .deployments()
        .inNamespace("team-c")
        .resource(deployment("cache", "back"))
        .create();
  }

  private static Deployment deployment(String name, String tier) {
    Deployment deployment =
        TestDeployments.deployment(name, 1, "100m", "registry.local/" + name + ":1");
    deployment.getMetadata().setLabels(new HashMap<>(Map.of("tier", tier)));
    return deployment;
  }

  private static String id(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static List<String> ids(List<? extends HasMetadata> objects) {
    return objects.stream().map(IndexedCrudTest::id).sorted().toList();
  }

  private KubernetesClient serve(Dispatcher dispatcher) throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    servers.add(server);
    return server.createClient();
  }
}
