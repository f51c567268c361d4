package io.containercloud.logcenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.json.JsonData;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * log-center against the real Elasticsearch, over records written as log-agent writes them (the e2e
 * module ships them with the real agent): search by every dimension and page by cursor, the
 * histogram, a record's context, exports, bad input, and one tenant kept out of another's records
 * through every door.
 */
@ServiceIntegrationTest
class LogCenterIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String RUN =
      Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  private static final String A = "lca" + RUN;
  private static final String B = "lcb" + RUN;
  private static final Instant BASE =
      Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(20));
  private static final String MEGABYTE = "m".repeat(1_000_000);
  private static boolean seeded;

  @LocalServerPort int port;
  @Autowired ElasticsearchClient elasticsearch;

  private final String alice = TestTokens.token("alice", A, Role.DEVELOPER);
  private final String bob = TestTokens.token("bob", B, Role.TENANT_ADMIN);

  /** Tenant A: 1,200 records over two minutes plus four odd ones; tenant B: 10 with A's names. */
  @BeforeEach
  void seed() throws IOException {
    if (seeded) {
      return;
    }
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      records.add(record(A, i, "INFO seq=" + i + " request served"));
    }
    records.add(record(A, 1200, "seq=1200 {\"level\":\"ERROR\",\"json\":true}"));
    records.add(record(A, 1201, "seq=1201 <script>alert('x')</script>"));
    records.add(record(A, 1202, "seq=1202 bell \u0007 escape \u001b[31m end"));
    records.add(record(A, 1203, "seq=1203 " + MEGABYTE));
    for (int i = 0; i < 10; i++) {
      records.add(record(B, i, "INFO seq=" + i + " of the other tenant"));
    }
    index(records);
    seeded = true;
  }

  @Test
  void honoursTheServiceContract() {
    ServiceContract.assertHonoured(port);
  }

  @Test
  void findsRecordsByEachDimension() throws Exception {
    assertThat(count(alice, Map.of())).isEqualTo(1204);
    assertThat(count(alice, Map.of("app", "billing"))).isEqualTo(402);
    assertThat(count(alice, Map.of("service", "worker"))).isEqualTo(602);
    assertThat(count(alice, Map.of("pod", "api-2"))).isEqualTo(602);
    assertThat(count(alice, Map.of("container", "sidecar"))).isEqualTo(241);
    assertThat(count(alice, Map.of("cluster", "room-2"))).isEqualTo(301);
    assertThat(count(alice, Map.of("node", "room-2-node-1"))).isEqualTo(301);
    assertThat(count(alice, Map.of("namespace", A))).isEqualTo(1204);
    assertThat(count(alice, Map.of("stream", "stderr"))).isEqualTo(121);
    assertThat(count(alice, Map.of("level", "ERROR"))).isEqualTo(121);
    assertThat(count(alice, Map.of("q", "\"seq=7 request\""))).isEqualTo(1);
    assertThat(count(alice, Map.of("app", "billing", "stream", "stderr"))).isEqualTo(41);
    assertThat(
            count(
                alice,
                Map.of(
                    "from",
                    BASE.plusSeconds(10).toString(),
                    "to",
                    BASE.plusSeconds(20).toString())))
        .isEqualTo(100);
  }

  @Test
  void pagesNewestFirstByCursorWithoutGapsOrRepeats() throws Exception {
    List<String> ids = new ArrayList<>();
    List<String> times = new ArrayList<>();
    String cursor = null;
    do {
      Map<String, String> query = new LinkedHashMap<>(window());
      query.put("size", "100");
      query.put("app", "shop");
      if (cursor != null) {
        query.put("cursor", cursor);
      }
      JsonNode page = get(alice, "/records", query);
      page.get("records")
          .forEach(
              r -> {
                ids.add(r.get("id").asString());
                times.add(r.get("time").asString());
              });
      cursor = page.path("next").isNull() ? null : page.path("next").asString(null);
    } while (cursor != null);

    assertThat(ids).hasSize(802).doesNotHaveDuplicates();
    assertThat(times).isSortedAccordingTo((x, y) -> Instant.parse(y).compareTo(Instant.parse(x)));
  }

  @Test
  void countsOverTimeForTheSameFilters() throws Exception {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("from", BASE.toString());
    query.put("to", BASE.plus(Duration.ofMinutes(3)).toString());
    query.put("interval", "1m");
    query.put("level", "ERROR");
    JsonNode histogram = get(alice, "/histogram", query);

    assertThat(histogram.get("interval").asString()).isEqualTo("1m");
    List<Long> counts = new ArrayList<>();
    histogram.get("buckets").forEach(b -> counts.add(b.get("count").asLong()));
    assertThat(counts).containsExactly(60L, 60L, 1L); // the last: seq=1200
  }

  @Test
  void showsTheLinesAroundARecordFromItsFile() throws Exception {
    JsonNode found =
        get(alice, "/records", Map.of("q", "\"seq=500 request\"")).get("records").get(0);
    JsonNode context =
        get(
            alice,
            "/records/" + found.get("id").asString() + "/context",
            Map.of("before", "3", "after", "2"));

    assertThat(seqs(context.get("before"))).containsExactly(494, 496, 498);
    assertThat(context.get("record").get("message").asString())
        .isEqualTo("INFO seq=500 request served");
    assertThat(seqs(context.get("after"))).containsExactly(502, 504);
  }

  @Test
  void storesAndShowsWhatContainersWroteAsText() throws Exception {
    Map<Integer, String> messages = new HashMap<>();
    for (int seq = 1200; seq <= 1203; seq++) {
      JsonNode record = get(alice, "/records", Map.of("q", "seq=" + seq)).get("records").get(0);
      messages.put(seq, record.get("message").asString());
    }

    assertThat(messages.get(1200)).isEqualTo("seq=1200 {\"level\":\"ERROR\",\"json\":true}");
    assertThat(messages.get(1201)).isEqualTo("seq=1201 <script>alert('x')</script>");
    assertThat(messages.get(1202)).isEqualTo("seq=1202 bell \u0007 escape \u001b[31m end");
    assertThat(messages.get(1203)).isEqualTo("seq=1203 " + MEGABYTE);
  }

  @Test
  void exportsCsvThatQuotesAndNeutralisesWhatASpreadsheetWouldRun() throws Exception {
    String c = "lcc" + RUN;
    List<String> odd =
        List.of(
            "=cmd|' /C calc'!A0",
            "+SUM(1)",
            "-2+3",
            "@x",
            "plain, with comma",
            "line one\nline \"two\"");
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < odd.size(); i++) {
      records.add(record(c, i, odd.get(i)));
    }
    index(records);
    String token = TestTokens.token("carol", c, Role.VIEWER);

    String id = startExport(token, "csv", Map.of());
    assertThat(awaitExport(token, id).get("records").asLong()).isEqualTo(6);
    List<String> messages = new ArrayList<>();
    for (String line : download(token, id).split("\r\n")) {
      messages.add(line.substring(nthComma(line, 12) + 1)); // the message is the last column
    }

    assertThat(messages)
        .containsExactly(
            "message",
            "\"line one\nline \"\"two\"\"\"",
            "\"plain, with comma\"",
            "'@x",
            "'-2+3",
            "'+SUM(1)",
            "'=cmd|' /C calc'!A0");
  }

  @Test
  void exportsAHundredThousandRecordsAsASearchOfTheSameFilterFindsThem() throws Exception {
    String d = "lcd" + RUN;
    for (int chunk = 0; chunk < 10; chunk++) {
      List<Map<String, Object>> records = new ArrayList<>();
      for (int i = chunk * 11_000; i < (chunk + 1) * 11_000; i++) {
        records.add(record(d, i, "INFO seq=" + i + " bulk"));
      }
      index(records);
    }
    String token = TestTokens.token("dave", d, Role.VIEWER);
    Map<String, String> filter =
        Map.of(
            "stream", "stdout",
            "from", BASE.minusSeconds(60).toString(),
            "to", BASE.plus(Duration.ofHours(4)).toString());

    String id = startExport(token, "ndjson", filter);
    JsonNode job = awaitExport(token, id);
    List<String> exported = new ArrayList<>();
    for (String line : download(token, id).split("\n")) {
      exported.add(JSON.readTree(line).get("id").asString());
    }
    List<String> searched = ids(token, filter);

    assertThat(job.get("records").asLong()).isEqualTo(99_000);
    assertThat(job.get("total").asLong()).isEqualTo(99_000);
    assertThat(exported).hasSize(99_000).isEqualTo(searched);
  }

  @Test
  void aTenantReachesNoOtherTenantsRecordsThroughAnyDoor() throws Exception {
    assertThat(count(bob, Map.of())).isEqualTo(10);
    assertThat(count(bob, Map.of("namespace", A))).isZero();
    assertThat(count(bob, Map.of("pod", "api-1", "app", "shop"))).isEqualTo(3);

    String aliceRecord =
        get(alice, "/records", Map.of("q", "\"seq=500 request\""))
            .get("records")
            .get(0)
            .get("id")
            .asString();
    assertThat(send(bob, "GET", "/records/" + aliceRecord + "/context", null).statusCode())
        .isEqualTo(404);

    Map<String, String> range = new LinkedHashMap<>(window());
    range.put("interval", "1m");
    long counted = 0;
    for (JsonNode bucket : get(bob, "/histogram", range).get("buckets")) {
      counted += bucket.get("count").asLong();
    }
    assertThat(counted).isEqualTo(10);

    String bobs = startExport(bob, "ndjson", Map.of());
    assertThat(awaitExport(bob, bobs).get("records").asLong()).isEqualTo(10);
    assertThat(download(bob, bobs)).doesNotContain(A).contains("of the other tenant");
    assertThat(send(alice, "GET", "/exports/" + bobs, null).statusCode()).isEqualTo(404);
    assertThat(send(alice, "GET", "/exports/" + bobs + "/file", null).statusCode()).isEqualTo(404);
  }

  @Test
  void refusesBadInputNamingTheField() throws Exception {
    assertRefused("/records?tenant=" + A, "tenant");
    assertRefused("/records?colour=red", "colour");
    assertRefused("/records?level=LOUD", "level");
    assertRefused("/records?stream=stdin", "stream");
    assertRefused("/records?pod=" + URLEncoder.encode("a\"b", StandardCharsets.UTF_8), "pod");
    assertRefused("/records?from=yesterday", "from");
    assertRefused("/records?from=2026-12-05T10:00:00Z&to=2026-12-05T09:00:00Z", "from");
    assertRefused("/records?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z", "from");
    assertRefused("/records?q=" + URLEncoder.encode("a\u0001b", StandardCharsets.UTF_8), "q");
    assertRefused("/records?q=" + "x".repeat(600), "q");
    assertRefused("/records?size=0", "size");
    assertRefused("/records?cursor=not-a-cursor", "cursor");
    assertRefused("/histogram?interval=7m", "interval");
    assertRefused(
        "/histogram?interval=1s&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z", "interval");
    assertRefused("/records/not-an-id/context", "id");
    assertRefused("/records/a0000000000000000000-1/context?lines=5", "lines");
    HttpResponse<String> export = send(alice, "POST", "/exports", "{\"format\":\"xlsx\"}");
    assertThat(export.statusCode()).isEqualTo(400);
    assertThat(export.body()).contains("\"field\":\"format\"");
  }

  /**
   * A tenant's index whose shard has not started (here: it may start on no node; in life, for a
   * moment after log-agent made the day's index) makes Elasticsearch answer 503: a search is then a
   * 503 to retry, as with Elasticsearch away, not a 500.
   */
  @Test
  void aSearchElasticsearchCannotServeYetIsA503ToRetry() throws Exception {
    String e = "lce" + RUN;
    elasticsearch
        .indices()
        .create(
            c ->
                c.index(ContainerLogIndex.name(e, Instant.now()))
                    .waitForActiveShards(w -> w.count(0))
                    .settings(
                        s ->
                            s.numberOfReplicas("0")
                                .otherSettings(
                                    "index.routing.allocation.include._name",
                                    JsonData.of("no-such-node"))));
    String carol = TestTokens.token("carol", e, Role.DEVELOPER);
    try {
      for (String path : List.of("/records", "/histogram")) {
        HttpResponse<String> response = send(carol, "GET", path + "?" + encode(window()), null);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(503);
        assertThat(response.body()).contains("\"code\":\"dependency-unavailable\"", "Retry");
      }
    } finally {
      // a red index turns the whole cluster's health red
      elasticsearch.indices().delete(d -> d.index(ContainerLogIndex.pattern(e)));
    }
  }

  private void assertRefused(String pathAndQuery, String field) throws Exception {
    HttpResponse<String> response = send(alice, "GET", pathAndQuery, null);
    assertThat(response.statusCode()).as(pathAndQuery).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(response.body()).as(pathAndQuery).contains("\"field\":\"" + field + "\"");
  }

  private static int nthComma(String line, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = line.indexOf(',', at + 1);
    }
    return at;
  }

  private List<String> ids(String token, Map<String, String> filters) throws Exception {
    Map<String, String> query = new LinkedHashMap<>(filters);
    query.put("size", "500");
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      if (cursor != null) {
        query.put("cursor", cursor);
      }
      JsonNode page = get(token, "/records", query);
      page.get("records").forEach(r -> ids.add(r.get("id").asString()));
      cursor = page.path("next").isNull() ? null : page.path("next").asString(null);
    } while (cursor != null);
    return ids;
  }

  private static Map<String, Object> record(String tenant, int i, String message) {
    Map<String, Object> record = new LinkedHashMap<>();
    Instant time = BASE.plusMillis(100L * i);
    record.put("@timestamp", time.toString());
    record.put("message", message);
    record.put("stream", i % 10 == 0 ? "stderr" : "stdout");
    record.put("level", i % 10 == 0 ? "ERROR" : "INFO");
    record.put("truncated", false);
    record.put("tenant", tenant);
    record.put("app", i % 3 == 0 ? "billing" : "shop");
    record.put("service", i % 2 == 0 ? "api" : "worker");
    record.put("cluster", i % 4 == 0 ? "room-2" : "room-1");
    record.put("node", i % 4 == 0 ? "room-2-node-1" : "room-1-node-1");
    record.put("namespace", tenant);
    record.put("pod", i % 2 == 0 ? "api-1" : "api-2");
    record.put("container", i % 5 == 0 ? "sidecar" : "main");
    record.put("source", (tenant.equals(A) ? "a" : "b") + "000000000000000000" + (i % 2));
    record.put("offset", 100L * i);
    return record;
  }

  private void index(List<Map<String, Object>> records) throws IOException {
    BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.True);
    for (Map<String, Object> record : records) {
      String id = record.get("source") + "-" + Long.toString((Long) record.get("offset"), 36);
      String index =
          ContainerLogIndex.name(
              (String) record.get("tenant"), Instant.parse((String) record.get("@timestamp")));
      bulk.operations(o -> o.create(c -> c.index(index).id(id).document(record)));
    }
    assertThat(elasticsearch.bulk(bulk.build()).errors()).isFalse();
  }

  private Map<String, String> window() {
    return Map.of(
        "from", BASE.minusSeconds(60).toString(), "to", Instant.now().plusSeconds(60).toString());
  }

  private long count(String token, Map<String, String> filters) throws Exception {
    Map<String, String> query = new LinkedHashMap<>(window());
    query.putAll(filters);
    query.put("size", "500");
    long count = 0;
    String cursor = null;
    do {
      if (cursor != null) {
        query.put("cursor", cursor);
      }
      JsonNode page = get(token, "/records", query);
      count += page.get("records").size();
      cursor = page.path("next").isNull() ? null : page.path("next").asString(null);
    } while (cursor != null);
    return count;
  }

  private static List<Integer> seqs(JsonNode records) {
    List<Integer> seqs = new ArrayList<>();
    records.forEach(r -> seqs.add(seq(r)));
    return seqs;
  }

  private static int seq(JsonNode record) {
    String message = record.get("message").asString();
    int at = message.indexOf("seq=") + 4;
    int end = at;
    while (end < message.length() && Character.isDigit(message.charAt(end))) {
      end++;
    }
    return Integer.parseInt(message.substring(at, end));
  }

  private String startExport(String token, String format, Map<String, String> filters)
      throws Exception {
    Map<String, String> all = new LinkedHashMap<>(window());
    all.putAll(filters);
    String body = JSON.writeValueAsString(Map.of("format", format, "filters", all));
    HttpResponse<String> response = send(token, "POST", "/exports", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return JSON.readTree(response.body()).get("id").asString();
  }

  private JsonNode awaitExport(String token, String id) {
    JsonNode[] job = new JsonNode[1];
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              job[0] = JSON.readTree(send(token, "GET", "/exports/" + id, null).body());
              return !job[0].get("state").asString().equals("running");
            });
    assertThat(job[0].get("state").asString()).isEqualTo("done");
    return job[0];
  }

  private String download(String token, String id) throws Exception {
    HttpResponse<String> response = send(token, "GET", "/exports/" + id + "/file", null);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private JsonNode get(String token, String path, Map<String, String> query) throws Exception {
    HttpResponse<String> response = send(token, "GET", path + "?" + encode(query), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  HttpResponse<String> send(String token, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(Map<String, String> query) {
    return query.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
