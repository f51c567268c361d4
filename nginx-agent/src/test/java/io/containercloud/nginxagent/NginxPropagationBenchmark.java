package io.containercloud.nginxagent;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.common.testing.TestTokens;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxagent.agent.Agent;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.containercloud.nginxagent.nginx.NginxControl;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bench/nginx-propagation (not a test: run by bench/nginx-propagation/run.sh). nginx-mgr runs as
 * its own process; N agents follow one cluster (three with real nginx, the rest in process with a
 * no-op nginx); changes go through the API at a steady rate; latency is from the API's 2xx to each
 * agent's report of a revision at least as new.
 */
class NginxPropagationBenchmark {

  private static final String BIN = "/usr/sbin/nginx";
  private static final int OBJECTS = 10;
  private final JsonMapper json = JsonMapper.builder().build();
  private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Client etcd =
      Client.builder().endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT)).build();

  /** Per host, (revision, nanos) of each report, in arrival order. */
  private final Map<String, List<long[]>> reports = new ConcurrentHashMap<>();

  @Test
  void propagation() throws Exception {
    int agents = Integer.getInteger("bench.agents", 100);
    int rate = Integer.getInteger("bench.rate", 200);
    int seconds = Integer.getInteger("bench.seconds", 20);
    Duration interval = Duration.parse("PT" + System.getProperty("bench.interval", "1S"));
    String cluster = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    NginxMgrProcess mgr = new NginxMgrProcess();
    List<Agent> running = new ArrayList<>();
    Process agentProcess = null;
    try {
      mgr.ready();
      String admin = TestTokens.token("bench", "platform", Role.PLATFORM_ADMIN);
      int listen = FreePorts.pick();
      mgr.send("POST", "/clusters", admin, null, NginxFixture.clusterJson(cluster));
      // several objects written side by side, as operators do: etcd batches concurrent commits
      String[] etags = new String[OBJECTS];
      for (int o = 0; o < OBJECTS; o++) {
        etags[o] =
            mgr.send("POST", "/clusters/" + cluster + "/upstreams", admin, null, upstream(o, 1));
      }
      String etag = etags[OBJECTS - 1];
      mgr.send("POST", "/clusters/" + cluster + "/servers", admin, null, server(listen));

      Watch.Watcher watcher = watchReports(cluster);
      for (int i = 0; i < agents; i++) {
        boolean real = i < 3;
        Path prefix = Files.createTempDirectory("bench-agent");
        NginxAgentProperties settings =
            new NginxAgentProperties(
                cluster,
                "agent-" + i,
                Path.of(BIN),
                prefix,
                interval,
                real ? "127.0.0." + (40 + i) : "127.0.0.1",
                prefix,
                "1",
                Duration.ofSeconds(10),
                true,
                "off",
                NginxFixture.LUA_MODULES);
        Agent agent =
            real
                ? new Agent(settings, etcd, json, validator, null)
                : new Agent(settings, etcd, json, validator, null, new NoNginx(prefix));
        agent.start();
        running.add(agent);
      }
      agentProcess = startAgentProcess(cluster);
      long start = revisionOf(etag);
      await(
          () ->
              reports.size() >= agents + 1
                  && reports.values().stream().allMatch(r -> last(r) >= start));

      long[] reloadsBefore = running.stream().limit(3).mapToLong(Agent::reloads).toArray();
      List<long[]> writes = new CopyOnWriteArrayList<>(); // (revision, nanos of the 2xx)
      long periodNanos = 1_000_000_000L * OBJECTS / rate;
      long t0 = System.nanoTime();
      List<Thread> writers = new ArrayList<>();
      for (int o = 0; o < OBJECTS; o++) {
        int object = o;
        Thread writer =
            new Thread(
                () -> {
                  String current = etags[object];
                  for (int i = 0; i < rate * seconds / OBJECTS; i++) {
                    long due = t0 + i * periodNanos + object * periodNanos / OBJECTS;
                    while (System.nanoTime() < due) {
                      Thread.onSpinWait();
                    }
                    try {
                      current =
                          mgr.send(
                              "PUT",
                              "/clusters/" + cluster + "/upstreams/shop-" + object,
                              admin,
                              current,
                              upstream(object, 2 + i % 90));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                    writes.add(new long[] {revisionOf(current), System.nanoTime()});
                  }
                });
        writer.start();
        writers.add(writer);
      }
      for (Thread writer : writers) {
        writer.join();
      }
      double writeSeconds = (System.nanoTime() - t0) / 1e9;
      long finalRevision = writes.stream().mapToLong(w -> w[0]).max().orElse(0);
      await(() -> reports.values().stream().allMatch(r -> last(r) >= finalRevision));
      double reloadsPerSecond =
          java.util.stream.IntStream.range(0, 3)
                  .mapToLong(i -> running.get(i).reloads() - reloadsBefore[i])
                  .max()
                  .orElse(0)
              / writeSeconds;

      long[] latencies = latencies(writes);
      Arrays.sort(latencies);
      long rss = peakRssKb(agentProcess.pid());
      String summary =
          String.format(
              "nginx-propagation agents=%d p50_ms=%.1f p99_ms=%.1f reloads_per_s=%.2f agent_rss_mb=%d",
              agents + 1, pct(latencies, 50), pct(latencies, 99), reloadsPerSecond, rss / 1024);
      List<String> lines =
          List.of(
              String.format(
                  "writes=%d at %d/s over %.1f s, reload interval %d ms, %d latencies",
                  writes.size(), rate, writeSeconds, interval.toMillis(), latencies.length),
              String.format(
                  "latency api_2xx_to_agent_report: p50_ms=%.1f p99_ms=%.1f max_ms=%.1f",
                  pct(latencies, 50), pct(latencies, 99), latencies[latencies.length - 1] / 1e6),
              String.format(
                  "reloads per real host per second: %.2f (max of 3 hosts)", reloadsPerSecond),
              String.format(
                  "agent process peak RSS: %d MB (as its systemd unit runs it, one real nginx)",
                  rss / 1024),
              summary);
      lines.forEach(System.out::println);
      Files.write(Path.of("target/nginx-propagation.txt"), lines);
      watcher.close();
    } finally {
      running.forEach(Agent::stop);
      if (agentProcess != null) {
        agentProcess.destroy();
        agentProcess.waitFor();
      }
      mgr.close();
      TestEtcd.removeNginxCluster(etcd, cluster);
      etcd.close();
    }
  }

  /**
   * For each write and each host: nanos from the write's 2xx to the first later report covering it.
   */
  private long[] latencies(List<long[]> writes) {
    List<Long> all = new ArrayList<>();
    for (List<long[]> host : reports.values()) {
      List<long[]> seen = List.copyOf(host); // in arrival order: times rise, revisions never fall
      for (long[] write : writes) {
        int low = 0;
        int high = seen.size();
        while (low < high) { // the first report at or after the 2xx
          int mid = (low + high) >>> 1;
          if (seen.get(mid)[1] < write[1]) {
            low = mid + 1;
          } else {
            high = mid;
          }
        }
        while (low < seen.size() && seen.get(low)[0] < write[0]) {
          low++;
        }
        if (low < seen.size()) {
          all.add(seen.get(low)[1] - write[1]);
        }
      }
    }
    return all.stream().mapToLong(Long::longValue).toArray();
  }

  private Watch.Watcher watchReports(String cluster) {
    return etcd.getWatchClient()
        .watch(
            NginxFixture.bytes(NginxKeys.agents(cluster)),
            WatchOption.builder().isPrefix(true).build(),
            response -> {
              long now = System.nanoTime();
              for (WatchEvent event : response.getEvents()) {
                if (event.getEventType() != WatchEvent.EventType.PUT) {
                  continue;
                }
                JsonNode report = json.readTree(event.getKeyValue().getValue().getBytes());
                reports
                    .computeIfAbsent(
                        report.path("host").asString(), h -> new CopyOnWriteArrayList<>())
                    .add(new long[] {report.path("appliedRevision").asLong(), now});
              }
            });
  }

  private static long last(List<long[]> host) {
    return host.isEmpty() ? 0 : host.get(host.size() - 1)[0];
  }

  private static double pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)]
        / 1e6;
  }

  private Process startAgentProcess(String cluster) throws IOException {
    Path prefix = Files.createTempDirectory("bench-agent-process");
    ProcessBuilder agent =
        new ProcessBuilder(
            "java",
            // as its systemd unit runs it (README, "Memory")
            "-Xms16m",
            "-Xmx64m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-XX:ReservedCodeCacheSize=32m",
            "-XX:MaxMetaspaceSize=96m",
            "-XX:TrimNativeHeapInterval=5000",
            "-jar",
            LocalInfra.jar("nginx-agent.jar").toString(),
            "--server.port=0",
            "--platform.etcd.endpoints=http://127.0.0.1:" + LocalInfra.ETCD_PORT,
            "--platform.nginx-agent.cluster=" + cluster,
            "--platform.nginx-agent.host-id=process",
            "--platform.nginx-agent.prefix=" + prefix,
            "--platform.nginx-agent.listen-address=127.0.0.49",
            "--platform.nginx-agent.stop-nginx-on-exit=true");
    agent.environment().put("MALLOC_ARENA_MAX", "2");
    return agent
        .redirectErrorStream(true)
        .redirectOutput(prefix.resolve("agent.log").toFile())
        .start();
  }

  private static long peakRssKb(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("VmHWM:"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
        .findFirst()
        .orElse(0L);
  }

  private interface Condition {
    boolean met() throws Exception;
  }

  private static void await(Condition condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!condition.met()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("benchmark did not converge in 3 minutes");
      }
      Thread.sleep(50);
    }
  }

  private static long revisionOf(String etag) {
    return Long.parseLong(etag.replace("\"", ""));
  }

  private static String upstream(int object, int weight) {
    return """
        {"name":"shop-%d","balance":"round-robin","active":"vm",
         "vm":{"members":[{"host":"127.0.0.1","port":9,"weight":%d}]},
         "healthCheck":{"interval":"1m","rise":1,"fall":10,"timeout":"1s","path":"/",
                        "expectedStatuses":[200]}}"""
        .formatted(object, weight);
  }

  private static String server(int port) {
    return """
        {"name":"shop","serverNames":["shop.example.com"],"listen":[{"port":%d}],
         "locations":[{"path":"/","match":"prefix","upstream":"shop-0"}]}"""
        .formatted(port);
  }

  /** The fan-out agents' nginx: accepts every configuration, reloads nothing. */
  private record NoNginx(Path prefix) implements NginxControl {
    @Override
    public Path config() {
      return prefix.resolve("conf/nginx.conf");
    }

    @Override
    public Optional<String> test(Path candidate) {
      return Optional.empty();
    }

    @Override
    public void ensureRunning() {}

    @Override
    public void reload() {}

    @Override
    public void stop() {}

    @Override
    public String version() {
      return "none/0";
    }

    @Override
    public Optional<Long> pid() {
      return Optional.empty();
    }
  }
}
