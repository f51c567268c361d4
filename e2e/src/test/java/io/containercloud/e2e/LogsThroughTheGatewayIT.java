package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Deployment's container logs from kube-sim's node, through the real log-agent and Elasticsearch,
 * searched, counted, put in context and exported through the gateway and log-center by a user of
 * its tenant, and out of reach of another tenant's user.
 */
class LogsThroughTheGatewayIT {

  private static final JsonMapper JSON = JsonMapper.shared();
  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void aChattyDeploymentsRecordsAreSearchedCountedAndExportedByItsTenantOnly() throws Exception {
    String tenant = "logs-" + platform.run;
    String nosy = "nosy-" + platform.run;
    platform.ok("POST", "/api/admin/tenants", "{\"name\":\"" + tenant + "\"}");
    platform.ok("POST", "/api/admin/tenants", "{\"name\":\"" + nosy + "\"}");
    Session user = platform.newUser("logs-" + platform.run, tenant, "developer");
    Session stranger = platform.newUser(nosy, nosy, "tenant-admin");
    ContainerLogs.deployment(
        platform.cluster("room-1"), tenant, "talker", 1, E2ePlatform.LOGGED_NODE);
    String since = Instant.now().minusSeconds(60).toString();
    chatter(tenant, 40);

    String window = "from=" + since + "&to=" + Instant.now().plus(Duration.ofHours(1));
    await()
        .atMost(Duration.ofMinutes(2))
        // a 503 while the day's new index starts is retried, as any client does
        .ignoreExceptions()
        .until(() -> records(user, window + "&service=talker&size=500").size() >= 200);
    chatter(tenant, 0);

    List<JsonNode> records = records(user, window + "&service=talker&size=500");
    JsonNode first = records.get(0);
    assertThat(first.get("app").asString()).isEqualTo("shop");
    assertThat(first.get("cluster").asString()).isEqualTo("room-1");
    assertThat(first.get("node").asString()).isEqualTo(E2ePlatform.LOGGED_NODE);
    assertThat(first.get("namespace").asString()).isEqualTo(tenant);
    assertThat(first.get("pod").asString()).startsWith("talker-");
    assertThat(first.get("container").asString()).isEqualTo("main");

    // a stack trace is one record
    List<JsonNode> traces =
        records(user, window + "&q=java.lang.IllegalStateException&level=ERROR");
    assertThat(traces).isNotEmpty();
    assertThat(traces.get(0).get("message").asString()).contains("\n\tat ", "\nCaused by: ");

    // the histogram counts what the search finds
    long found = all(user, window + "&service=talker").size();
    long counted = 0;
    for (JsonNode bucket :
        json(user.ok("GET", "/api/logs/histogram?" + window + "&service=talker", null))
            .get("buckets")) {
      counted += bucket.get("count").asLong();
    }
    assertThat(counted).isEqualTo(found);

    // the lines around a record come from its file, in order
    String id = records.get(records.size() / 2).get("id").asString();
    JsonNode context =
        json(user.ok("GET", "/api/logs/records/" + id + "/context?before=5&after=5", null));
    assertThat(context.get("before").size()).isEqualTo(5);
    assertThat(context.get("record").get("id").asString()).isEqualTo(id);

    // an export holds what the search finds
    JsonNode job =
        json(
            user.ok(
                "POST",
                "/api/logs/exports",
                JSON.writeValueAsString(
                    Map.of(
                        "format",
                        "ndjson",
                        "filters",
                        Map.of(
                            "service",
                            "talker",
                            "from",
                            since,
                            "to",
                            Instant.now().plus(Duration.ofHours(1)).toString())))));
    String export = job.get("id").asString();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                json(user.ok("GET", "/api/logs/exports/" + export, null))
                    .get("state")
                    .asString()
                    .equals("done"));
    String file = user.ok("GET", "/api/logs/exports/" + export + "/file", null);
    assertThat(file.split("\n")).hasSize((int) found);

    // another tenant's user finds nothing of it, through any door
    assertThat(records(stranger, window + "&service=talker&namespace=" + tenant)).isEmpty();
    assertThat(stranger.send("GET", "/api/logs/records/" + id + "/context", null).statusCode())
        .isEqualTo(404);
    assertThat(stranger.send("GET", "/api/logs/exports/" + export + "/file", null).statusCode())
        .isEqualTo(404);
    assertThat(stranger.send("GET", "/api/logs/records?tenant=" + tenant, null).statusCode())
        .isEqualTo(400);
  }

  private static List<JsonNode> records(Session session, String query) {
    List<JsonNode> records = new ArrayList<>();
    json(session.ok("GET", "/api/logs/records?" + query, null))
        .get("records")
        .forEach(records::add);
    return records;
  }

  /** Every record the query finds, page by page. */
  private static List<JsonNode> all(Session session, String query) {
    List<JsonNode> records = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          json(
              session.ok(
                  "GET",
                  "/api/logs/records?"
                      + query
                      + "&size=500"
                      + (cursor == null
                          ? ""
                          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)),
                  null));
      page.get("records").forEach(records::add);
      cursor = page.path("next").isNull() ? null : page.path("next").asString(null);
    } while (cursor != null);
    return records;
  }

  private static JsonNode json(String body) {
    return JSON.readTree(body);
  }

  private void chatter(String tenant, int linesPerSecond) {
    platform.containerLogs(
        "room-1",
        """
        {"namespace":"%s","deployment":"talker","linesPerSecond":%d,"lineLength":120,\
        "stderrShare":0.1,"stackTraceShare":0.1,"longLineShare":0.02}"""
            .formatted(tenant, linesPerSecond));
  }
}
