package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containercloud.kubesim.cluster.TestDeployments;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API server as its clients meet it: fabric8's client (as cluster-service and kube-sim's
 * controllers use it) and plain HTTP (as kubectl watches), against a server on loopback.
 */
class ApiServerTest {

  private static final String TOKEN = "test-token";

  private ApiServer server;
  private KubernetesClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    server = new ApiServer(TOKEN);
    int port = server.start(InetAddress.getLoopbackAddress(), 0);
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + port)
                    .withOauthToken(TOKEN)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void getsListsAndSelects() {
    populate();
    assertThat(id(client.apps().deployments().inNamespace("team-a").withName("web").get()))
        .isEqualTo("team-a/web");
    assertThat(names(client.apps().deployments().inNamespace("team-a").list().getItems()))
        .containsExactly("api", "web"); // by name, as kube-apiserver lists
    assertThat(selected(d -> d.withLabel("tier", "back")))
        .containsExactly("team-a/api", "team-b/api", "team-c/cache", "team-c/db");
    assertThat(selected(d -> d.withoutLabel("tier", "back")))
        .containsExactly("team-a/web", "team-b/web");
    assertThat(selected(d -> d.withLabelIn("app", "db", "web")))
        .containsExactly("team-a/web", "team-b/web", "team-c/db");
    assertThat(selected(d -> d.withLabelNotIn("app", "db", "web")))
        .containsExactly("team-a/api", "team-b/api", "team-c/cache");
    assertThat(selected(d -> d.withoutLabel("app"))).isEmpty();
    assertThat(selected(d -> d.withField("metadata.name", "api")))
        .containsExactly("team-a/api", "team-b/api");
    assertThat(client.apps().deployments().inNamespace("team-c").withName("web").get()).isNull();
    assertThat(ids(client.configMaps().inAnyNamespace().list().getItems()))
        .containsExactly("team-a/web", "team-b/web");
  }

  @Test
  void listsPageByPage() {
    populate();
    var first =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .list(new ListOptionsBuilder().withLimit(4L).build());
    assertThat(ids(first.getItems()))
        .containsExactly("team-a/api", "team-a/web", "team-b/api", "team-b/web");
    assertThat(first.getMetadata().getContinue()).isNotBlank();
    var rest =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .list(
                new ListOptionsBuilder()
                    .withLimit(4L)
                    .withContinue(first.getMetadata().getContinue())
                    .build());
    assertThat(ids(rest.getItems())).containsExactly("team-c/cache", "team-c/db");
    assertThat(rest.getMetadata().getContinue()).isNull();
  }

  @Test
  void writesAsTheApiServerDoes() {
    populate();
    var web = client.apps().deployments().inNamespace("team-a").withName("web");
    Deployment created = web.get();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();

    web.edit(
        d -> {
          d.getSpec().setReplicas(5);
          return d;
        }); // JSON patch
    web.editStatus(
        d -> {
          d.setStatus(new DeploymentStatusBuilder().withReadyReplicas(2).build());
          return d;
        });
    Deployment changed = web.get();
    assertThat(changed.getSpec().getReplicas()).isEqualTo(5);
    assertThat(changed.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(changed.getMetadata().getGeneration()).isEqualTo(2L); // the status write kept it

    // a write to the object keeps the stored status; a write that changes nothing stores nothing
    Deployment stale = changed.edit().editStatus().withReadyReplicas(0).endStatus().build();
    Deployment updated = client.apps().deployments().inNamespace("team-a").resource(stale).update();
    assertThat(updated.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(updated.getMetadata().getResourceVersion())
        .isEqualTo(changed.getMetadata().getResourceVersion());

    // a write naming an older version is a conflict, to the object and to its status
    web.edit(
        d -> {
          d.getMetadata().getLabels().put("changed", "yes");
          return d;
        });
    assertThatThrownBy(
            () -> client.apps().deployments().inNamespace("team-a").resource(changed).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThatThrownBy(
            () ->
                client.apps().deployments().inNamespace("team-a").resource(changed).updateStatus())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(web.get().getMetadata().getLabels())
        .containsEntry("changed", "yes")
        .containsEntry("tier", "front");

    // merge patch
    web.patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"changed\":null}}}");
    assertThat(web.get().getMetadata().getLabels()).doesNotContainKey("changed");

    // scale subresource
    web.scale(3);
    assertThat(web.get().getSpec().getReplicas()).isEqualTo(3);
    assertThat(web.get().getMetadata().getGeneration()).isEqualTo(3L);

    // creating it again, or under a name kube-apiserver refuses
    assertThatThrownBy(
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace("team-a")
                    .resource(deployment("web", "front"))
                    .create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThatThrownBy(
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace("team-a")
                    .resource(deployment("Web_1", "front"))
                    .create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));

    web.delete();
    assertThat(names(client.apps().deployments().inNamespace("team-a").list().getItems()))
        .containsExactly("api");
    assertThat(web.get()).isNull();
    assertThat(web.delete()).isEmpty();
  }

  @Test
  void fillsInTheDefaultsKubeApiserverFillsIn() {
    Deployment bare =
        client
            .apps()
            .deployments()
            .inNamespace("team-a")
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("bare")
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .addToMatchLabels("app", "bare")
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .addToLabels("app", "bare")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("registry.local/app")
                    .addNewPort()
                    .withContainerPort(8080)
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    assertThat(bare.getSpec().getReplicas()).isEqualTo(1);
    assertThat(bare.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(bare.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal())
        .isEqualTo("25%");
    var container = bare.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImagePullPolicy()).as("no tag: latest").isEqualTo("Always");
    assertThat(container.getPorts().get(0).getProtocol()).isEqualTo("TCP");
    assertThat(bare.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");

    var job =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace("team-a")
            .resource(
                new JobBuilder()
                    .withNewMetadata()
                    .withName("once")
                    .endMetadata()
                    .withNewSpec()
                    .withNewTemplate()
                    .withNewSpec()
                    .withRestartPolicy("Never")
                    .addNewContainer()
                    .withName("run")
                    .withImage("registry.local/run:1.0")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(6);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy())
        .isEqualTo("IfNotPresent");

    Secret secret =
        client
            .secrets()
            .inNamespace("team-a")
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("plain")
                    .endMetadata()
                    .addToStringData("password", "s3cret")
                    .build())
            .create();
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getStringData()).isNullOrEmpty();
    assertThat(secret.getData()).containsEntry("password", "czNjcmV0");
  }

  @Test
  void allocatesAServiceAClusterIpThatNeverChanges() {
    var services = client.services().inNamespace("team-a");
    Service first = services.resource(service("first", null)).create();
    Service second = services.resource(service("second", null)).create();
    Service headless = services.resource(service("headless", "None")).create();

    assertThat(first.getSpec().getClusterIP()).startsWith("10.96.");
    assertThat(second.getSpec().getClusterIP())
        .startsWith("10.96.")
        .isNotEqualTo(first.getSpec().getClusterIP());
    assertThat(first.getSpec().getClusterIPs()).containsExactly(first.getSpec().getClusterIP());
    assertThat(first.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(80);
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");

    Service resent = service("first", null); // an update that names no cluster IP keeps it
    resent.getMetadata().setResourceVersion(first.getMetadata().getResourceVersion());
    assertThat(services.resource(resent).update().getSpec().getClusterIP())
        .isEqualTo(first.getSpec().getClusterIP());
    Service moved = services.withName("first").get();
    moved.getSpec().setClusterIP("10.96.9.9");
    moved.getSpec().setClusterIPs(List.of("10.96.9.9"));
    assertThatThrownBy(() -> services.resource(moved).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("field is immutable");
  }

  @Test
  void aDryRunStoresNothingAndOnlyAllIsADryRun() throws Exception {
    var configMaps = client.configMaps().inNamespace("team-a");
    configMaps
        .resource(new ConfigMapBuilder().withNewMetadata().withName("tried").endMetadata().build())
        .dryRun()
        .create();
    assertThat(configMaps.withName("tried").get()).isNull();

    HttpResponse<String> other =
        http.send(
            request("/api/v1/namespaces/team-a/configmaps?dryRun=Some")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"x\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).contains("supported values: All");
    assertThat(configMaps.withName("x").get()).isNull();
  }

  private static Service service(String name, String clusterIp) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP(clusterIp)
        .withSelector(Map.of("app", name))
        .addNewPort()
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  @Test
  void generatesNamesAndDeletesWhatANamespaceHolds() {
    populate();
    ConfigMap generated =
        client
            .configMaps()
            .inNamespace("team-a")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withGenerateName("settings-")
                    .endMetadata()
                    .build())
            .create();
    assertThat(generated.getMetadata().getName()).matches("settings-[a-z0-9]{5}");
    client.namespaces().withName("team-a").delete();
    assertThat(client.apps().deployments().inNamespace("team-a").list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace("team-a").list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inNamespace("team-b").list().getItems()).hasSize(2);
  }

  @Test
  void watchesOverWebSocketWithTheirSelector() {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Watch watch =
        client
            .apps()
            .deployments()
            .inNamespace("team-a")
            .withLabel("tier", "back")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Deployment deployment) {
                    seen.add(
                        action
                            + " "
                            + deployment.getMetadata().getName()
                            + " "
                            + deployment.getSpec().getReplicas());
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      populate();
      var api = client.apps().deployments().inNamespace("team-a").withName("api");
      api.scale(2);
      api.edit(
          d -> {
            d.getMetadata().getLabels().put("tier", "front");
            return d;
          }); // leaves the selector
      api.edit(
          d -> {
            d.getMetadata().getLabels().put("tier", "back");
            return d;
          }); // and comes back
      api.delete();
      await().until(() -> seen.size() >= 5);
      assertThat(seen)
          .containsExactly(
              "ADDED api 1", "MODIFIED api 2", "DELETED api 2", "ADDED api 2", "DELETED api 2");
    }
  }

  @Test
  void watchesOverHttpFromAVersion() throws Exception {
    populate();
    String from =
        client.apps().deployments().inNamespace("team-b").list().getMetadata().getResourceVersion();
    client.apps().deployments().inNamespace("team-b").withName("web").scale(4);
    client.apps().deployments().inNamespace("team-a").withName("web").scale(4); // another namespace
    client.apps().deployments().inNamespace("team-b").withName("api").delete();
    HttpResponse<InputStream> response =
        http.send(
            request(
                    "/apis/apps/v1/namespaces/team-b/deployments?watch=true&timeoutSeconds=5&resourceVersion="
                        + from)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      events.add(lines.readLine());
      events.add(lines.readLine());
    }
    assertThat(events.get(0))
        .startsWith("{\"type\":\"MODIFIED\"")
        .contains("\"name\":\"web\"", "\"replicas\":4");
    assertThat(events.get(1)).startsWith("{\"type\":\"DELETED\"").contains("\"name\":\"api\"");
  }

  /** A streaming list, as client-go's reflector in Helm 3.21 asks for one. */
  @Test
  void aWatchAskingForInitialEventsGetsTheObjectsThenTheirEndMark() throws Exception {
    populate();
    long headersBy = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    HttpResponse<InputStream> response =
        http.send(
            request(
                    "/apis/apps/v1/namespaces/team-b/deployments?watch=true&sendInitialEvents=true"
                        + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
                        + "&fieldSelector=metadata.name%3Dweb&timeoutSeconds=5")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(System.nanoTime()).as("the headers come at once").isLessThan(headersBy);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      events.add(lines.readLine());
      events.add(lines.readLine());
    }
    assertThat(events.get(0)).startsWith("{\"type\":\"ADDED\"").contains("\"name\":\"web\"");
    assertThat(events.get(1))
        .startsWith("{\"type\":\"BOOKMARK\"")
        .contains(
            "\"kind\":\"Deployment\"",
            "\"apiVersion\":\"apps/v1\"",
            "\"k8s.io/initial-events-end\":\"true\"");
  }

  @Test
  void aWatchFromAVersionNoLongerKeptIsGone() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    ObjectStore store = new ObjectStore(json, 3);
    ResourceType maps = ResourceType.of("", "v1", "configmaps", true);
    for (int i = 0; i < 5; i++) {
      ObjectNode map = json.createObjectNode();
      map.putObject("metadata").put("name", "m" + i);
      store.create(maps, "a", map);
    }
    List<String> events = new ArrayList<>();
    assertThatThrownBy(
            () ->
                store.watch(
                    maps, "a", Selector.ALL, "1", (type, change) -> events.add(change.frame(type))))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(410));
    store.watch(maps, "a", Selector.ALL, "3", (type, change) -> events.add(change.frame(type)));
    assertThat(events).hasSize(2).allMatch(e -> e.startsWith("{\"type\":\"ADDED\""));
    assertThat(events.get(0)).contains("\"name\":\"m3\"");
  }

  @Test
  void refusesRequestsWithoutTheToken() throws Exception {
    HttpResponse<String> none =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/pods"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("\"reason\":\"Unauthorized\"");
    HttpResponse<String> version =
        http.send(request("/version").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(version.body()).contains("\"minor\":\"33\"");
    HttpResponse<String> discovery =
        http.send(request("/apis").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(discovery.statusCode()).isEqualTo(200);
    assertThat(discovery.body()).contains("\"kind\":\"APIGroupList\"");
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  private void populate() {
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
      client
          .configMaps()
          .inNamespace(team)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .endMetadata()
                  .addToData("k", "v")
                  .build())
          .create();
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
    deployment.getMetadata().setLabels(new HashMap<>(Map.of("tier", tier, "app", name)));
    return deployment;
  }

  /** The deployments of every namespace that {@code filter} selects, as namespace/name. */
  private List<String> selected(
      UnaryOperator<
              FilterWatchListDeletable<
                  Deployment, DeploymentList, RollableScalableResource<Deployment>>>
          filter) {
    return ids(filter.apply(client.apps().deployments().inAnyNamespace()).list().getItems());
  }

  private static String id(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static List<String> ids(List<? extends HasMetadata> objects) {
    return objects.stream().map(ApiServerTest::id).toList();
  }

  private static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).toList();
  }
}
