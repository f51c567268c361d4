package io.containercloud.e2e;

import static io.containercloud.e2e.AppOperations.JSON;
import static io.containercloud.e2e.AppOperations.application;
import static io.containercloud.e2e.AppOperations.assertState;
import static io.containercloud.e2e.AppOperations.awaitEnded;
import static io.containercloud.e2e.AppOperations.request;
import static io.containercloud.e2e.AppOperations.service;
import static io.containercloud.e2e.AppOperations.timeline;
import static io.containercloud.e2e.AppOperations.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.OciRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applications through the gateway with the real app-orchestrator, cluster-service and kube-sim:
 * the order of start, stop and upgrade as the clusters saw it, a cycle refused, a service that
 * never turns Ready, and tenants kept apart.
 */
class ApplicationsThroughTheGatewayIT {

  private static final Duration LIMIT = Duration.ofSeconds(90);
  private final E2ePlatform platform = E2ePlatform.get();

  /** db and cache first; api needs both, auth needs db; web needs api and auth. */
  private static final Map<String, List<String>> NEEDS =
      Map.of(
          "db", List.of(),
          "cache", List.of(),
          "api", List.of("db", "cache"),
          "auth", List.of("db"),
          "web", List.of("api", "auth"));

  private static String shop(String name, String tag) {
    return application(
        name,
        service("db", "registry.example.com/platform/db:" + tag, null),
        service("cache", "registry.example.com/platform/cache:" + tag, null),
        service("api", "registry.example.com/platform/api:" + tag, null, "db", "cache"),
        service("auth", "registry.example.com/platform/auth:" + tag, null, "db"),
        service("web", "registry.example.com/platform/web:" + tag, null, "api", "auth"));
  }

  @Test
  void startsLayerByLayerUpgradesInDependencyOrderAndStopsInReverse() throws Exception {
    String app = "shop-" + platform.run;
    Session admin = platform.admin();
    HttpResponse<String> created = admin.send("POST", "/api/apps/applications", shop(app, "1"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body())
        .contains("\"layers\":[[\"cache\",\"db\"],[\"api\",\"auth\"],[\"web\"]]");

    JsonNode started =
        awaitEnded(admin, request(admin, "platform", app, "{\"action\":\"start\"}"), LIMIT);
    assertState(started, "done");
    Instant[] window = window(started);
    Map<String, AppOperations.Seen> seen = timeline(platform, "platform", window[0], window[1]);
    NEEDS.forEach(
        (service, needs) -> {
          AppOperations.Seen mine = seen.get(app + "-" + service);
          assertThat(mine.count("created")).as(service + " created once per room").isEqualTo(3);
          for (String need : needs) {
            assertThat(mine.first("created"))
                .as(service + " is created only once " + need + " is Ready in every room")
                .isAfter(seen.get(app + "-" + need).last("ready"));
          }
        });
    assertThat(AppOperations.events(platform, started.get("id").asLong()))
        .contains(
            "event:operation-created",
            "event:operation-started",
            "event:step-started",
            "event:readiness",
            "event:step-finished",
            "event:operation-finished")
        .contains("\"service\":\"web\"");

    JsonNode upgraded =
        awaitEnded(
            admin,
            request(
                admin,
                "platform",
                app,
                """
                {"action":"upgrade","images":{
                  "db":"registry.example.com/platform/db:2",
                  "cache":"registry.example.com/platform/cache:2",
                  "api":"registry.example.com/platform/api:2",
                  "auth":"registry.example.com/platform/auth:2",
                  "web":"registry.example.com/platform/web:2"}}"""),
            LIMIT);
    assertState(upgraded, "done");
    window = window(upgraded);
    Map<String, AppOperations.Seen> upgrade = timeline(platform, "platform", window[0], window[1]);
    List<String> order = List.of("cache", "db", "api", "auth", "web");
    for (int i = 1; i < order.size(); i++) {
      assertThat(upgrade.get(app + "-" + order.get(i)).first("image"))
          .as(order.get(i) + " is upgraded only after " + order.get(i - 1) + " is done")
          .isAfter(upgrade.get(app + "-" + order.get(i - 1)).last("ready"));
    }
    assertThat(admin.ok("GET", "/api/apps/applications/platform/" + app + "/versions", null))
        .contains("\"version\":2", "\"cause\":\"upgrade\"", "\"version\":1");

    // a setting, not an image: the next version's web gets an env variable, applied by an upgrade
    ObjectNode definition = (ObjectNode) JSON.readTree(shop(app, "2"));
    definition.remove("name");
    ((ObjectNode) definition.get("services").get(4).get("spec"))
        .putObject("env")
        .put("MODE", "blue");
    admin.ok("PUT", "/api/apps/applications/platform/" + app, definition.toString());
    JsonNode respecced =
        awaitEnded(admin, request(admin, "platform", app, "{\"action\":\"upgrade\"}"), LIMIT);
    assertState(respecced, "done");
    for (String room : E2ePlatform.ROOMS) {
      try (var cluster = platform.cluster(room)) {
        assertThat(
                cluster
                    .apps()
                    .deployments()
                    .inNamespace("platform")
                    .withName(app + "-web")
                    .get()
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getEnv())
            .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("MODE=blue"));
      }
    }

    JsonNode stopped =
        awaitEnded(admin, request(admin, "platform", app, "{\"action\":\"stop\"}"), LIMIT);
    assertState(stopped, "done");
    window = window(stopped);
    Map<String, AppOperations.Seen> stop = timeline(platform, "platform", window[0], window[1]);
    NEEDS.forEach(
        (service, needs) -> {
          for (String need : needs) {
            assertThat(stop.get(app + "-" + need).first("scaled-to-zero"))
                .as(need + " is stopped only once " + service + " has no replica left")
                .isAfter(stop.get(app + "-" + service).last("stopped"));
          }
        });
    assertThat(admin.ok("GET", "/api/clusters/workloads/platform/" + app + "-web", null))
        .contains("\"replicas\":0");
  }

  @Test
  void aPushOfAFollowedImageUpgradesItsServiceThroughTheApplicationOnce() {
    String app = "tracker-" + platform.run;
    String repository = "platform/e2e-" + platform.run + "-tracker";
    String followed = OciRegistry.ADDRESS + "/" + repository;
    Session admin = platform.admin();
    admin.ok(
        "POST",
        "/api/apps/applications",
        application(
            app,
            service("db", "registry.example.com/platform/db:1", null),
            """
            {"name":"api","image":"%s:v1","replicas":3,
             "spec":{"resources":{"requests":{"cpu":"100m","memory":"64Mi"},
                                  "limits":{"cpu":"100m","memory":"64Mi"}}},
             "dependsOn":["db"],"follow":{"repository":"%s","tagPattern":"v*"}}"""
                .formatted(followed, followed)));
    assertState(
        awaitEnded(admin, request(admin, "platform", app, "{\"action\":\"start\"}"), LIMIT),
        "done");

    String digest = OciRegistry.push(repository, "v2", "a release of " + app);

    String image = followed + "@" + digest;
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () -> {
              JsonNode last = AppOperations.latest(admin, "platform", app);
              assertThat(last.get("action").asString()).isEqualTo("upgrade");
              assertThat(last.get("cause").asString())
                  .isEqualTo("image.pushed " + repository + ":v2");
              assertThat(last.get("requestedBy").asString()).isEqualTo("service:app-orchestrator");
              assertThat(last.get("steps").size()).as("the followed service only").isEqualTo(1);
              assertState(last, "done");
            });
    String workload = admin.ok("GET", "/api/clusters/workloads/platform/" + app + "-api", null);
    assertThat(workload).contains("\"image\":\"" + image + "\"", "\"follow\":null");
    assertThat(admin.ok("GET", "/api/apps/applications/platform/" + app, null))
        .contains("\"version\":2", "\"updatedBy\":\"service:app-orchestrator\"", image);
    assertThat(
            JSON.readTree(
                    admin.ok("GET", "/api/apps/applications/platform/" + app + "/operations", null))
                .size())
        .as("one push, one upgrade")
        .isEqualTo(2);
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                assertThat(
                        admin.ok(
                            "GET",
                            "/api/audit/records?service=app-orchestrator&target=platform/" + app,
                            null))
                    .contains("app.operation", "service:app-orchestrator"));
  }

  @Test
  void aCycleIsRefusedBeforeAnythingStarts() {
    String app = "loop-" + platform.run;
    HttpResponse<String> refused =
        platform
            .admin()
            .send(
                "POST",
                "/api/apps/applications",
                application(
                    app,
                    service("a", "registry.example.com/platform/a:1", null, "c"),
                    service("b", "registry.example.com/platform/b:1", null, "a"),
                    service("c", "registry.example.com/platform/c:1", null, "b")));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body()).contains("\"code\":\"dependency-cycle\"", "a -> c -> b -> a");
    assertThat(platform.admin().ok("GET", "/api/clusters/workloads", null)).doesNotContain(app);
    assertThat(
            platform
                .admin()
                .send("GET", "/api/apps/applications/platform/" + app, null)
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aServiceWhoseWorkloadNameWasTakenSinceItsDefinitionFailsNamingTheOwnerAndTouchesNothing() {
    String app = "taken-" + platform.run;
    Session admin = platform.admin();
    admin.ok(
        "POST",
        "/api/apps/applications",
        application(app, service("db", "registry.example.com/platform/db:1", null)));
    admin.ok(
        "POST",
        "/api/clusters/workloads",
        """
        {"name":"%s-db","image":"registry.example.com/platform/other:7","replicas":1,
         "spec":{"application":"other","resources":{"requests":{"cpu":"10m","memory":"64Mi"},
                                                     "limits":{"cpu":"100m","memory":"64Mi"}}}}"""
            .formatted(app));

    JsonNode failed =
        awaitEnded(admin, request(admin, "platform", app, "{\"action\":\"start\"}"), LIMIT);

    assertState(failed, "failed");
    assertThat(failed.get("error").asString())
        .isEqualTo("db: workload " + app + "-db exists and belongs to application 'other'");
    assertThat(admin.ok("GET", "/api/clusters/workloads/platform/" + app + "-db", null))
        .contains("registry.example.com/platform/other:7", "\"replicas\":1,");
  }

  @Test
  void aServiceThatNeverTurnsReadyFailsTheOperationAtItsStepAndTheRestStaysAsItWas() {
    String app = "stuck-" + platform.run;
    Session admin = platform.admin();
    platform.holdUnready("platform", app + "-api", true);
    admin.ok(
        "POST",
        "/api/apps/applications",
        application(
            app,
            service("db", "registry.example.com/platform/db:1", null),
            service("api", "registry.example.com/platform/api:1", "{\"timeoutSeconds\":4}", "db"),
            service("web", "registry.example.com/platform/web:1", null, "api")));

    JsonNode failed =
        awaitEnded(admin, request(admin, "platform", app, "{\"action\":\"start\"}"), LIMIT);

    assertState(failed, "failed");
    assertThat(failed.get("error").asString())
        .startsWith("api: not Ready within 4s: 0/3 Ready: room-1 0/1");
    JsonNode steps = failed.get("steps");
    assertThat(steps.get(0).get("state").asString()).isEqualTo("done");
    assertThat(steps.get(1).get("state").asString()).isEqualTo("failed");
    assertThat(steps.get(1).get("clusters").size()).isEqualTo(3);
    assertThat(steps.get(2).get("state").asString()).isEqualTo("cancelled");
    assertThat(admin.ok("GET", "/api/clusters/workloads/platform/" + app + "-db", null))
        .contains("\"ready\":3,");
    assertThat(
            admin
                .send("GET", "/api/clusters/workloads/platform/" + app + "-api", null)
                .statusCode())
        .as("what started stays")
        .isEqualTo(200);
    assertThat(
            admin
                .send("GET", "/api/clusters/workloads/platform/" + app + "-web", null)
                .statusCode())
        .isEqualTo(404);
    platform.holdUnready("platform", app + "-api", false);
  }

  @Test
  void aCancelStartsNoFurtherStepWhileTheRunningOneFinishesAndASecondRequestIsRefused() {
    String app = "halt-" + platform.run;
    Session admin = platform.admin();
    platform.holdUnready("platform", app + "-db", true);
    admin.ok(
        "POST",
        "/api/apps/applications",
        application(
            app,
            service("db", "registry.example.com/platform/db:1", null),
            service("web", "registry.example.com/platform/web:1", null, "db")));
    long id = request(admin, "platform", app, "{\"action\":\"start\"}");

    HttpResponse<String> second =
        admin.send(
            "POST",
            "/api/apps/applications/platform/" + app + "/operations",
            "{\"action\":\"stop\"}");
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(second.body()).contains("\"code\":\"operation-running\"", "\"operation\":" + id);

    await()
        .atMost(LIMIT)
        .until(
            () ->
                AppOperations.operation(admin, id)
                    .get("steps")
                    .get(0)
                    .get("state")
                    .asString()
                    .equals("running"));
    admin.ok("POST", "/api/apps/operations/" + id + "/cancel", null);
    platform.holdUnready("platform", app + "-db", false);
    JsonNode cancelled = awaitEnded(admin, id, LIMIT);

    assertState(cancelled, "cancelled");
    assertThat(cancelled.get("cancelRequested").asBoolean()).isTrue();
    assertThat(cancelled.get("steps").get(0).get("state").asString())
        .as("the running step finished")
        .isEqualTo("done");
    assertThat(cancelled.get("steps").get(1).get("state").asString()).isEqualTo("cancelled");
    assertThat(
            admin
                .send("GET", "/api/clusters/workloads/platform/" + app + "-web", null)
                .statusCode())
        .isEqualTo(404);
    assertThat(admin.send("POST", "/api/apps/operations/" + id + "/cancel", null).statusCode())
        .isEqualTo(409);
  }

  @Test
  void anotherTenantCanNeitherSeeNorOperateTheApplication() {
    String tenant = "apps-b-" + platform.run;
    platform.ok("POST", "/api/admin/tenants", "{\"name\":\"" + tenant + "\"}");
    Session other = platform.newUser("dev-" + tenant, tenant, "developer");
    String app = "private-" + platform.run;
    Session admin = platform.admin();
    admin.ok(
        "POST",
        "/api/apps/applications",
        application(app, service("db", "registry.example.com/platform/db:1", null)));
    long id = request(admin, "platform", app, "{\"action\":\"start\"}");

    assertThat(other.send("GET", "/api/apps/applications/platform/" + app, null).statusCode())
        .isEqualTo(404);
    assertThat(other.send("GET", "/api/apps/operations/" + id, null).statusCode()).isEqualTo(404);
    assertThat(other.send("POST", "/api/apps/operations/" + id + "/cancel", null).statusCode())
        .isEqualTo(404);
    assertThat(
            other
                .send(
                    "POST",
                    "/api/apps/applications/platform/" + app + "/operations",
                    "{\"action\":\"stop\"}")
                .statusCode())
        .isEqualTo(403);
    assertThat(other.ok("GET", "/api/apps/applications", null)).isEqualTo("[]");
    awaitEnded(admin, id, LIMIT);
  }
}
