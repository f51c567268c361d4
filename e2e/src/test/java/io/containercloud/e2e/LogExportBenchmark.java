package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Not a test: bench/log-export runs it. A million records in one tenant's index (as log-agent
 * writes them), then log-center as a process with a 256 MB heap exports them all to CSV through the
 * API. Prints the export's time, records per second, the file's size and log-center's peak RSS and
 * heap, and, as the baseline, the time this JVM takes to read the same records straight from
 * Elasticsearch; the export finishing with every record is the target.
 */
class LogExportBenchmark {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String ELASTICSEARCH = "http://127.0.0.1:19200";

  @Test
  void exportsAMillionRecordsUnderA256MbHeap() throws Exception {
    int records = Integer.getInteger("bench.records", 1_000_000);
    String tenant = "export" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    Instant base = Instant.now().minus(Duration.ofHours(2));
    long seeded = System.nanoTime();
    seed(tenant, base, records);
    report(
        "log-export seeded=%d seed_s=%.1f".formatted(records, (System.nanoTime() - seeded) / 1e9));

    Path exports = Files.createTempDirectory("exports");
    try (ServiceProcess center = new ServiceProcess("log-center").heap("256m")) {
      center
          .start(
              List.of(
                  "platform.security.jwks-uri=" + TestTokens.jwksUri(),
                  "platform.logs.exports.dir=" + exports))
          .awaitReady();
      String token = TestTokens.token("bench", tenant, Role.VIEWER);
      String body =
          JSON.writeValueAsString(
              Map.of(
                  "format",
                  "csv",
                  "filters",
                  Map.of(
                      "from", base.minusSeconds(60).toString(),
                      "to", Instant.now().toString())));
      long started = System.nanoTime();
      JsonNode job = json(send(center.url() + "/exports", "POST", body, token));
      String id = job.get("id").asString();
      long pid = center.pid();
      long[] peakRss = {0};
      await()
          .atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                peakRss[0] = Math.max(peakRss[0], rssKb(pid));
                return !json(send(center.url() + "/exports/" + id, "GET", null, token))
                    .get("state")
                    .asString()
                    .equals("running");
              });
      double seconds = (System.nanoTime() - started) / 1e9;
      JsonNode done = json(send(center.url() + "/exports/" + id, "GET", null, token));
      Path file = exports.resolve(id + ".csv");
      assertThat(done.get("state").asString()).isEqualTo("done");
      assertThat(done.get("records").asLong()).isEqualTo(records);
      // after the export, so Elasticsearch's caches favour the baseline, not log-center
      long rawStarted = System.nanoTime();
      assertThat(rawDump(tenant)).isEqualTo(records);
      double rawSeconds = (System.nanoTime() - rawStarted) / 1e9;
      report(
          ("log-export records=%d seconds=%.1f records_per_s=%.0f file_mb=%.0f heap_max_mb=256"
                  + " peak_rss_mb=%d raw_dump_s=%.1f ratio_to_raw=%.2f")
              .formatted(
                  done.get("records").asLong(),
                  seconds,
                  records / seconds,
                  Files.size(file) / 1048576.0,
                  Math.max(peakRss[0], hwmKb(pid)) / 1024,
                  rawSeconds,
                  seconds / rawSeconds));
    }
    send(ELASTICSEARCH + "/container-logs-" + tenant + ".*", "DELETE", null, null);
  }

  /** A result line, printed and kept in target/log-export-bench.txt. */
  private static void report(String line) throws IOException {
    System.out.println(line);
    Files.writeString(
        Path.of("target", "log-export-bench.txt"),
        line + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  /**
   * The baseline: the same records read straight from Elasticsearch by this JVM, through a point in
   * time with {@code search_after} and pages of 10,000, in log-center's order; returns how many.
   */
  private static long rawDump(String tenant) throws Exception {
    String pit =
        json(send(
                ELASTICSEARCH + "/container-logs-" + tenant + ".*/_pit?keep_alive=2m",
                "POST",
                null,
                null))
            .get("id")
            .asString();
    long count = 0;
    JsonNode after = null;
    while (true) {
      Map<String, Object> page = new java.util.LinkedHashMap<>();
      page.put("size", 10_000);
      page.put("pit", Map.of("id", pit, "keep_alive", "2m"));
      page.put(
          "sort",
          List.of(
              Map.of("@timestamp", "desc"), Map.of("source", "desc"), Map.of("offset", "desc")));
      if (after != null) {
        page.put("search_after", after);
      }
      JsonNode hits =
          json(send(
                  ELASTICSEARCH + "/_search?filter_path=hits.hits._source,hits.hits.sort",
                  "POST",
                  JSON.writeValueAsString(page),
                  null))
              .path("hits")
              .path("hits");
      if (hits.isEmpty()) {
        break;
      }
      count += hits.size();
      after = hits.get(hits.size() - 1).get("sort");
    }
    send(ELASTICSEARCH + "/_pit", "DELETE", JSON.writeValueAsString(Map.of("id", pit)), null);
    return count;
  }

  /** The records in bulks of 20,000, as log-agent writes them. */
  private static void seed(String tenant, Instant base, int records) throws Exception {
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < records; i++) {
      Instant time = base.plusMillis(i % 3_600_000);
      String index =
          "container-logs-" + tenant + "." + time.toString().substring(0, 10).replace('-', '.');
      String source = String.format("%020x", i % 8);
      bulk.append("{\"create\":{\"_index\":\"")
          .append(index)
          .append("\",\"_id\":\"")
          .append(source)
          .append('-')
          .append(Long.toString(i, 36))
          .append("\"}}\n");
      bulk.append("{\"@timestamp\":\"")
          .append(time)
          .append("\",\"message\":\"INFO seq=")
          .append(i)
          .append(" request served in 12 ms, status=200, path=/api/orders/")
          .append(i % 977)
          .append(", \\\"quoted\\\", =formula\",\"stream\":\"stdout\",\"level\":\"INFO\",")
          .append("\"truncated\":false,\"tenant\":\"")
          .append(tenant)
          .append("\",\"app\":\"shop\",\"service\":\"api\",\"cluster\":\"room-1\",")
          .append("\"node\":\"room-1-node-1\",\"namespace\":\"")
          .append(tenant)
          .append("\",\"pod\":\"api-")
          .append(i % 8)
          .append("\",\"container\":\"main\",")
          .append("\"source\":\"")
          .append(source)
          .append("\",\"offset\":")
          .append(i)
          .append("}\n");
      if ((i + 1) % 20_000 == 0 || i == records - 1) {
        HttpResponse<String> answer =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(ELASTICSEARCH + "/_bulk?filter_path=errors"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(bulk.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("\"errors\":false");
        bulk.setLength(0);
      }
    }
    send(ELASTICSEARCH + "/container-logs-" + tenant + ".*/_refresh", "POST", null, null);
  }

  private static long rssKb(long pid) throws IOException {
    return statusKb(pid, "VmRSS:");
  }

  private static long hwmKb(long pid) throws IOException {
    return statusKb(pid, "VmHWM:");
  }

  private static long statusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  private static String send(String url, String method, String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        token == null
            ? HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
            : ServiceContract.request(method, url, token, body);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static JsonNode json(String body) {
    return JSON.readTree(body);
  }
}
