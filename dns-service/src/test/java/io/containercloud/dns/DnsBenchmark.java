package io.containercloud.dns;

import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Benchmark, not a test (run by bench/dns/run.sh; no *IT or *Test name, so the build skips it). The
 * service runs in this JVM against the real MariaDB and BIND; clients call its HTTP API.
 *
 * <ol>
 *   <li>API create to answer at BIND: one record set at a time, the clock runs from sending the
 *       POST until BIND answers the name with the value; p50/p99 over {@code LATENCY_RECORDS}.
 *   <li>Changes per second through the API: {@code THREADS} clients create {@code
 *       THROUGHPUT_RECORDS} sets as fast as the API takes them; the clock runs until every set is
 *       applied in BIND. On two cores the clients, the service, MariaDB and BIND share the CPU.
 *   <li>Changes per second of the push pipeline (batching): every one of those sets gets a new
 *       value at once, as a burst of events would do; the clock runs until BIND holds them all.
 *       Then all are deleted the same way (timed too), which also leaves BIND as it was.
 * </ol>
 */
@ServiceIntegrationTest
@TestPropertySource(
    properties = {
      "spring.datasource.url=jdbc:mysql://127.0.0.1:13306/dns_bench?createDatabaseIfNotExist=true",
      "logging.level.root=WARN",
      // the pipeline phase writes the database directly: no commit wakes the pusher
      "platform.dns.sync.poll-interval=50ms"
    })
class DnsBenchmark {

  private static final int LATENCY_RECORDS = Integer.getInteger("bench.latencyRecords", 1000);
  private static final int THROUGHPUT_RECORDS = Integer.getInteger("bench.throughputRecords", 4000);
  private static final int THREADS = Integer.getInteger("bench.threads", 8);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void measure() throws Exception {
    DnsFixture dns = new DnsFixture(port);
    dns.ensureZone();
    String token = TestTokens.token("bench", "bench", Role.DEVELOPER);
    String run = "b" + System.currentTimeMillis();
    jdbc.update("DELETE FROM dns_record_set");
    warmUp(dns, token, run);

    double[] latencies = new double[LATENCY_RECORDS];
    for (int i = 0; i < LATENCY_RECORDS; i++) {
      String name = "l" + i + "." + run + "." + DnsFixture.ZONE;
      String value = "10.1." + (i / 250) + "." + (i % 250 + 1);
      long start = System.nanoTime();
      dns.create(token, name, "A", value);
      while (!DnsFixture.answer(name, DnsFixture.A).equals(List.of(value))) {
        Thread.onSpinWait();
      }
      latencies[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(latencies);

    ExecutorService clients = Executors.newFixedThreadPool(THREADS);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      done.add(
          clients.submit(
              () -> {
                for (int i = thread; i < THROUGHPUT_RECORDS; i += THREADS) {
                  dns.create(
                      token,
                      "t" + i + "." + run + "." + DnsFixture.ZONE,
                      "A",
                      "10.2." + (i / 250) + "." + (i % 250 + 1));
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    double apiSeconds = (System.nanoTime() - start) / 1e9;
    awaitAllApplied();
    double seconds = (System.nanoTime() - start) / 1e9;
    clients.shutdown();

    double updateSeconds =
        backlog(
            "UPDATE dns_record_set SET record_values = JSON_ARRAY(CONCAT('10.3.', id DIV 250 MOD 250, '.',"
                + " id MOD 250 + 1)), version = version + 1, sync_status = 'PENDING' WHERE name LIKE ?",
            run);
    int sets = jdbc.queryForObject("SELECT COUNT(*) FROM dns_record_set", Integer.class);
    double deleteSeconds =
        backlog(
            "UPDATE dns_record_set SET record_values = JSON_ARRAY(), deleted = TRUE, version = version + 1,"
                + " sync_status = 'PENDING' WHERE name LIKE ?",
            run);

    String report =
        String.join(
            "\n",
            "dns latency_records=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f"
                .formatted(
                    LATENCY_RECORDS,
                    percentile(latencies, 50),
                    percentile(latencies, 99),
                    latencies[latencies.length - 1]),
            "dns api_records=%d clients=%d api_s=%.2f applied_s=%.2f api_changes_per_s=%.0f"
                .formatted(
                    THROUGHPUT_RECORDS, THREADS, apiSeconds, seconds, THROUGHPUT_RECORDS / seconds),
            "dns pipeline_sets=%d update_s=%.2f delete_s=%.2f delete_changes_per_s=%.0f"
                .formatted(sets, updateSeconds, deleteSeconds, sets / deleteSeconds),
            "dns api_to_answer_p99_ms=%.1f changes_per_s=%.0f"
                .formatted(percentile(latencies, 99), sets / updateSeconds));
    write(report);
  }

  /** Applies one statement to every set of the run at once; seconds until BIND holds the result. */
  private double backlog(String sql, String run) {
    long start = System.nanoTime();
    jdbc.update(sql, "%." + run + "." + DnsFixture.ZONE);
    awaitAllApplied();
    return (System.nanoTime() - start) / 1e9;
  }

  private void awaitAllApplied() {
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT COUNT(*) FROM dns_record_set WHERE sync_status <> 'APPLIED'",
                        Integer.class)
                    == 0);
  }

  private static void warmUp(DnsFixture dns, String token, String run) {
    for (int i = 0; i < 50; i++) {
      String name = "w" + i + "." + run + "." + DnsFixture.ZONE;
      dns.create(token, name, "A", "10.0.9." + (i + 1));
    }
  }

  private static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void write(String report) throws IOException {
    Files.writeString(Path.of("target", "dns-bench.txt"), report + "\n");
    System.out.println(report);
  }
}
