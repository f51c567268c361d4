package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applications driven through the gateway in the e2e tests, and what the simulated clusters saw
 * happen to their Deployments (kube-sim's own timeline, not the orchestrator's account of it).
 */
final class AppOperations {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private AppOperations() {}

  /** A service of three replicas (100m, 64Mi: one per room) on {@code image}, needing others. */
  static String service(String name, String image, String readiness, String... dependsOn) {
    List<String> quoted = new ArrayList<>();
    for (String dependency : dependsOn) {
      quoted.add("\"" + dependency + "\"");
    }
    return """
        {"name":"%s","image":"%s","replicas":3,
         "spec":{"resources":{"requests":{"cpu":"100m","memory":"64Mi"},
                              "limits":{"cpu":"100m","memory":"64Mi"}}},
         "dependsOn":[%s]%s}"""
        .formatted(
            name,
            image,
            String.join(",", quoted),
            readiness == null ? "" : ",\"readiness\":" + readiness);
  }

  static String application(String name, String... services) {
    return "{\"name\":\"" + name + "\",\"services\":[" + String.join(",", services) + "]}";
  }

  /** Requests {@code action}; the new operation's id. */
  static long request(Session user, String tenant, String app, String body) {
    JsonNode operation =
        JSON.readTree(
            user.ok("POST", "/api/apps/applications/" + tenant + "/" + app + "/operations", body));
    return operation.get("id").asLong();
  }

  /** Waits until the operation has ended; the operation then. */
  static JsonNode awaitEnded(Session user, long id, Duration limit) {
    await()
        .atMost(limit)
        .untilAsserted(
            () -> {
              JsonNode operation = operation(user, id);
              assertThat(ended(operation)).as("operation ended: " + operation).isTrue();
            });
    return operation(user, id);
  }

  /** The operation's whole event stream as the admin sees it, as {@code curl -N} would show it. */
  static String events(E2ePlatform platform, long id) throws Exception {
    HttpResponse<String> stream =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            platform.gatewayUrl() + "/api/apps/operations/" + id + "/events"))
                    .header("Authorization", "Bearer " + platform.admin().token())
                    .header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(stream.statusCode()).isEqualTo(200);
    return stream.body();
  }

  /** The application's newest operation. */
  static JsonNode latest(Session user, String tenant, String app) {
    return JSON.readTree(
            user.ok("GET", "/api/apps/applications/" + tenant + "/" + app + "/operations", null))
        .get(0);
  }

  static JsonNode operation(Session user, long id) {
    return JSON.readTree(user.ok("GET", "/api/apps/operations/" + id, null));
  }

  static boolean ended(JsonNode operation) {
    String state = operation.get("state").asString();
    return state.equals("done") || state.equals("failed") || state.equals("cancelled");
  }

  /** One Deployment's events in all rooms between {@code from} and {@code to}. */
  static final class Seen {
    final Map<String, List<Instant>> byEvent = new TreeMap<>();

    Instant first(String event) {
      return byEvent.getOrDefault(event, List.of()).stream().min(Instant::compareTo).orElse(null);
    }

    Instant last(String event) {
      return byEvent.getOrDefault(event, List.of()).stream().max(Instant::compareTo).orElse(null);
    }

    int count(String event) {
      return byEvent.getOrDefault(event, List.of()).size();
    }
  }

  /**
   * What every room saw happen to the Deployments of {@code namespace} between {@code from} and
   * {@code to}, by Deployment.
   */
  static Map<String, Seen> timeline(
      E2ePlatform platform, String namespace, Instant from, Instant to) {
    Map<String, Seen> seen = new TreeMap<>();
    for (String room : E2ePlatform.ROOMS) {
      for (JsonNode entry : JSON.readTree(platform.timeline(room, namespace))) {
        Instant at = Instant.parse(entry.get("at").asString());
        if (at.isBefore(from) || at.isAfter(to)) {
          continue;
        }
        seen.computeIfAbsent(entry.get("deployment").asString(), d -> new Seen())
            .byEvent
            .computeIfAbsent(entry.get("event").asString(), e -> new ArrayList<>())
            .add(at);
      }
    }
    return seen;
  }

  /** The operation's window: from its creation to its end (or now). */
  static Instant[] window(JsonNode operation) {
    Instant from = Instant.parse(operation.get("createdAt").asString());
    JsonNode finished = operation.get("finishedAt");
    Instant to =
        finished == null || finished.isNull() ? Instant.now() : Instant.parse(finished.asString());
    return new Instant[] {from, to};
  }

  static void assertState(JsonNode operation, String state) {
    assertThat(operation.get("state").asString()).as(operation.toString()).isEqualTo(state);
  }
}
