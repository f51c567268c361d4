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
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bench/nginx-propagation (not a test: run by bench/nginx-propagation/run.sh). nginx-mgr runs as
 * its own process; N agents follow one cluster (three with real nginx and its Lua module, the rest
 * in process with a no-op nginx and balancer, one agent process whose RSS is read); changes go
 * through the API at a steady rate, in two phases: (a) members and weights, pushed without a
 * reload, with a client sending requests through a real nginx; (b) locations, which reload. Latency
 * is from the API's 2xx to each agent's report of a revision at least as new.
 */
class NginxPropagationBenchmark {

  private static final String BIN = "/usr/sbin/nginx";
  private static final int OBJECTS = 10;
  private final JsonMapper json = JsonMapper.builder().build();
  private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Client etcd = etcd();

  /** Per host, (revision, nanos) of each report, in arrival order. */
  private final Map<String, List<long[]>> reports = new ConcurrentHashMap<>();

  @Test
  void propagation() throws Exception {
    int agents = Integer.getInteger("bench.agents", 100);
    int rate = Integer.getInteger("bench.rate", 200);
    int seconds = Integer.getInteger("bench.seconds", 20);
    Duration interval = Duration.parse("PT" + System.getProperty("bench.interval", "1S"));
    Duration pushInterval =
        Duration.parse("PT" + System.getProperty("bench.push-interval", "0.1S"));
    int warmup = Integer.getInteger("bench.warmup", 10);
    int connections = Integer.getInteger("bench.connections", 10);
    String cluster = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    NginxMgrProcess mgr = new NginxMgrProcess();
    List<Agent> running = new ArrayList<>();
    List<AutoCloseable> closing = new ArrayList<>();
    Process agentProcess = null;
    try {
      mgr.ready();
      String admin = TestTokens.token("bench", "platform", Role.PLATFORM_ADMIN);
      int listen = FreePorts.pick();
      int[] backends = new int[3];
      for (int b = 0; b < backends.length; b++) {
        var server = NginxFixture.backend(0, "backend-" + b);
        closing.add(() -> server.stop(0));
        backends[b] = server.getAddress().getPort();
      }
      mgr.send("POST", "/clusters", admin, null, NginxFixture.clusterJson(cluster));
      // several objects written side by side, as operators do: etcd batches concurrent commits
      String[] upstreams = new String[OBJECTS];
      String[] servers = new String[OBJECTS];
      for (int o = 0; o < OBJECTS; o++) {
        upstreams[o] =
            mgr.send(
                "POST",
                "/clusters/" + cluster + "/upstreams",
                admin,
                null,
                upstream(o, members(o, 0, backends)));
        servers[o] =
            mgr.send(
                "POST", "/clusters/" + cluster + "/servers", admin, null, server(o, listen, 0));
      }

      Watch.Watcher watcher = watchReports(cluster);
      // the simulated hosts share a few etcd connections (each agent its own watch stream, lease
      // and
      // writes on them): a hundred clients' event loops in one JVM cost more CPU than the agents,
      // and only add latency to what is measured; 0 gives each its own
      List<Client> simulated = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        simulated.add(etcd());
        closing.add(simulated.get(c));
      }
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
                "auto",
                NginxFixture.LUA_MODULES,
                pushInterval);
        Client own;
        if (real || simulated.isEmpty()) {
          own = etcd();
          closing.add(own);
        } else {
          own = simulated.get(i % simulated.size());
        }
        JsonMapper itsJson = JsonMapper.builder().build(); // nor buffers shared with the others
        Agent agent;
        if (real) {
          agent = new Agent(settings, own, itsJson, validator, null);
        } else {
          closing.add(new NoBalancer(prefix.resolve("run/admin.sock")));
          agent = new Agent(settings, own, itsJson, validator, null, new NoNginx(prefix));
        }
        agent.start();
        running.add(agent);
      }
      agentProcess = startAgentProcess(cluster);
      long start = revisionOf(servers[OBJECTS - 1]);
      await(
          () ->
              reports.size() >= agents + 1
                  && reports.values().stream().allMatch(r -> last(r) >= start));
      List<Agent> real = running.subList(0, 3);

      Write memberChange =
          (o, i) ->
              upstreams[o] =
                  mgr.send(
                      "PUT",
                      "/clusters/" + cluster + "/upstreams/shop-" + o,
                      admin,
                      upstreams[o],
                      upstream(o, members(o, i + 1, backends)));
      // nginx-mgr runs for months: its hot paths are compiled before anything is measured
      if (warmup > 0) {
        write(mgr, rate, warmup, memberChange);
      }

      // (a) members and weights: pushed to each nginx's Lua balancer
      long[] reloadsBefore = real.stream().mapToLong(Agent::reloads).toArray();
      Phase dynamic;
      try (RequestLoop client = new RequestLoop("127.0.0.40", listen)) {
        dynamic = write(mgr, rate, seconds, memberChange);
        dynamic.failed = client.failed.get();
        dynamic.sent = client.sent.get();
      }
      long dynamicReloads = 0;
      for (int r = 0; r < real.size(); r++) {
        dynamicReloads += real.get(r).reloads() - reloadsBefore[r];
      }

      // (b) locations: rendered, checked with nginx -t, reloaded at most once per interval
      long[] reloadsBeforeStructural = real.stream().mapToLong(Agent::reloads).toArray();
      Phase structural;
      try (RequestLoop client = new RequestLoop("127.0.0.40", listen)) {
        structural =
            write(
                mgr,
                rate,
                seconds,
                (o, i) ->
                    servers[o] =
                        mgr.send(
                            "PUT",
                            "/clusters/" + cluster + "/servers/shop-" + o,
                            admin,
                            servers[o],
                            server(o, listen, i + 1)));
        structural.failed = client.failed.get();
        structural.sent = client.sent.get();
      }
      double reloadsPerSecond =
          IntStream.range(0, 3)
                  .mapToLong(i -> real.get(i).reloads() - reloadsBeforeStructural[i])
                  .max()
                  .orElse(0)
              / structural.seconds;

      long rss = peakRssKb(agentProcess.pid());
      String summary =
          String.format(
              "nginx-propagation agents=%d dynamic_p50_ms=%.1f dynamic_p99_ms=%.1f"
                  + " dynamic_reloads=%d failed_requests=%d reloads_per_s=%.2f"
                  + " final_after_last_write_ms=%.0f agent_rss_mb=%d",
              agents + 1,
              pct(dynamic.latencies, 50),
              pct(dynamic.latencies, 99),
              dynamicReloads,
              dynamic.failed,
              reloadsPerSecond,
              structural.finalAfterLastWrite / 1e6,
              rss / 1024);
      List<String> lines =
          List.of(
              String.format(
                  "writes at %d/s, %d s a phase after %d s of warm-up, reload interval %d ms, push"
                      + " interval %d ms, %d agents (3 with nginx and the Lua module, 1 process;"
                      + " the other %d on %s)",
                  rate,
                  seconds,
                  warmup,
                  interval.toMillis(),
                  pushInterval.toMillis(),
                  agents + 1,
                  agents - 3,
                  connections == 0
                      ? "an etcd connection each"
                      : connections + " shared etcd connections"),
              dynamic.describe("(a) members and weights, pushed"),
              String.format(
                  "    reloads on the 3 real hosts: %d; client through nginx: %d of %d failed",
                  dynamicReloads, dynamic.failed, dynamic.sent),
              structural.describe("(b) locations, reloaded"),
              String.format(
                  "    reloads per real host per second: %.2f (max of 3); client: %d of %d"
                      + " failed",
                  reloadsPerSecond, structural.failed, structural.sent),
              String.format(
                  "p99 reloaded / pushed: %.1fx",
                  pct(structural.latencies, 99) / pct(dynamic.latencies, 99)),
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
      for (AutoCloseable c : closing) {
        c.close();
      }
      mgr.close();
      TestEtcd.removeNginxCluster(etcd, cluster);
      etcd.close();
    }
  }

  /** The {@code i}-th write of an object; its ETag, kept for the next. */
  private interface Write {
    String write(int object, int i) throws Exception;
  }

  /** What a phase measured. */
  private static final class Phase {
    long[] latencies;
    int writes;
    double seconds;
    long finalAfterLastWrite;
    int failed;
    int sent;
    Cpu cpu;

    String describe(String name) {
      return String.format(
              "%s: %d writes in %.1f s (%.0f/s); %d latencies api_2xx_to_agent_report p50_ms=%.1f"
                  + " p99_ms=%.1f max_ms=%.1f; final revision everywhere %.0f ms after the last write",
              name,
              writes,
              seconds,
              writes / seconds,
              latencies.length,
              pct(latencies, 50),
              pct(latencies, 99),
              latencies[latencies.length - 1] / 1e6,
              finalAfterLastWrite / 1e6)
          + String.format(
              "%n    CPU while writing (%% of the %d cores): nginx-mgr %.0f%% (%.1f ms a write),"
                  + " the benchmark's JVM (agents, writers, report watch) %.0f%%, etcd %.0f%%,"
                  + " machine %.0f%%",
              CORES,
              cpu.share(cpu.mgr, seconds),
              cpu.mgr / (double) writes,
              cpu.share(cpu.self, seconds),
              cpu.share(cpu.etcd, seconds),
              cpu.share(cpu.machine, seconds));
    }
  }

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  /**
   * CPU milliseconds used by nginx-mgr, this JVM, etcd and the whole machine, from /proc (what
   * competes for the cores tells whether a phase was starved, and by whom).
   */
  private record Cpu(long mgr, long self, long etcd, long machine) {

    static Cpu of(long mgrPid) throws IOException {
      long etcdPid =
          ProcessHandle.allProcesses()
              .filter(p -> p.info().command().orElse("").endsWith("/etcd"))
              .mapToLong(ProcessHandle::pid)
              .findFirst()
              .orElse(-1);
      String[] total = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
      long busy = 0; // user nice system (idle iowait) irq softirq steal
      for (int f : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(total[f]);
      }
      return new Cpu(
          millis(mgrPid), millis(ProcessHandle.current().pid()), millis(etcdPid), busy * 10);
    }

    Cpu since(Cpu start) {
      return new Cpu(
          mgr - start.mgr, self - start.self, etcd - start.etcd, machine - start.machine);
    }

    double share(long millis, double seconds) {
      return 100.0 * millis / (seconds * 1000 * CORES);
    }

    /** utime + stime in clock ticks of 10 ms (USER_HZ); 0 for a process that is not there. */
    private static long millis(long pid) throws IOException {
      Path stat = Path.of("/proc/" + pid + "/stat");
      if (pid < 0 || !Files.exists(stat)) {
        return 0;
      }
      String text = Files.readString(stat);
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }
  }

  /**
   * {@code rate} writes a second for {@code seconds}, spread over the objects' writers, then waits
   * until every agent reported the newest revision.
   */
  private Phase write(NginxMgrProcess mgr, int rate, int seconds, Write write) throws Exception {
    Cpu before = Cpu.of(mgr.pid());
    List<long[]> writes = new CopyOnWriteArrayList<>(); // (revision, nanos of the 2xx)
    long periodNanos = 1_000_000_000L * OBJECTS / rate;
    long t0 = System.nanoTime();
    List<Thread> writers = new ArrayList<>();
    for (int o = 0; o < OBJECTS; o++) {
      int object = o;
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; i < rate * seconds / OBJECTS; i++) {
                  long due = t0 + i * periodNanos + object * periodNanos / OBJECTS;
                  while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                  }
                  try {
                    long revision = revisionOf(write.write(object, i));
                    writes.add(new long[] {revision, System.nanoTime()});
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
      writer.start();
      writers.add(writer);
    }
    for (Thread writer : writers) {
      writer.join();
    }
    Phase phase = new Phase();
    phase.cpu = Cpu.of(mgr.pid()).since(before);
    phase.seconds = (System.nanoTime() - t0) / 1e9;
    phase.writes = writes.size();
    long finalRevision = writes.stream().mapToLong(w -> w[0]).max().orElse(0);
    long lastWrite = writes.stream().mapToLong(w -> w[1]).max().orElse(0);
    await(() -> reports.values().stream().allMatch(r -> last(r) >= finalRevision));
    phase.finalAfterLastWrite =
        reports.values().stream()
                .mapToLong(
                    r ->
                        r.stream()
                            .filter(report -> report[0] >= finalRevision)
                            .mapToLong(report -> report[1])
                            .min()
                            .orElseThrow())
                .max()
                .orElseThrow()
            - lastWrite;
    phase.latencies = latencies(writes);
    Arrays.sort(phase.latencies);
    return phase;
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

  private static Client etcd() {
    return Client.builder()
        .endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT))
        .build();
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
            "-Xmx48m",
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

  /**
   * The members of upstream {@code object} at its {@code i}-th write: for shop-0, which the client
   * reaches, sets of the real backends with changing weights; for the others, loopback ports
   * nothing listens on.
   */
  private static String members(int object, int i, int[] backends) {
    int[][] sets = {{0}, {0, 1}, {1, 2}, {0, 1, 2}, {2}};
    int[] ports =
        object == 0
            ? Arrays.stream(sets[i % sets.length]).map(b -> backends[b]).toArray()
            : i % 2 == 0 ? new int[] {9} : new int[] {9, 19};
    return Arrays.stream(ports)
        .mapToObj(p -> "{\"host\":\"127.0.0.1\",\"port\":%d,\"weight\":%d}".formatted(p, 1 + i % 7))
        .collect(Collectors.joining(","));
  }

  private static String upstream(int object, String members) {
    return """
        {"name":"shop-%d","balance":"round-robin","active":"vm","vm":{"members":[%s]},
         "healthCheck":{"interval":"1m","rise":1,"fall":10,"timeout":"1s","path":"/",
                        "expectedStatuses":[200]}}"""
        .formatted(object, members);
  }

  /**
   * Server shop-{@code object} at its {@code i}-th write: a location more each time. shop-0 alone
   * on {@code port}, which the client sends to; the others on the next port.
   */
  private static String server(int object, int port, int i) {
    String more =
        i == 0
            ? ""
            : ",{\"path\":\"/v%d\",\"match\":\"prefix\",\"upstream\":\"shop-%d\"}"
                .formatted(i, object);
    return """
        {"name":"shop-%d","serverNames":["shop-%d.example.com"],"listen":[{"port":%d}],
         "locations":[{"path":"/","match":"prefix","upstream":"shop-%d"}%s]}"""
        .formatted(object, object, object == 0 ? port : port + 1, object, more);
  }

  /** Requests through a real nginx, one after the other, until closed; counts those that failed. */
  private static final class RequestLoop implements AutoCloseable {

    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    RequestLoop(String address, int port) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/"))
              .timeout(Duration.ofSeconds(3))
              .build();
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  sent.incrementAndGet();
                  try {
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
                        != 200) {
                      failed.incrementAndGet();
                    }
                  } catch (IOException e) {
                    failed.incrementAndGet();
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  /**
   * The admin socket of a fan-out agent's nginx: takes every state and holds none, so that the
   * agent runs its dynamic path (a real nginx's balancer answers the same way).
   */
  private static final class NoBalancer implements AutoCloseable {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");
    private static final String NOTHING = "{\"upstreams\":{}}";
    private static final byte[] HELD =
        ("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + NOTHING.length()
                + "\r\n\r\n"
                + NOTHING)
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel server;

    NoBalancer(Path socket) throws IOException {
      Files.createDirectories(socket.getParent());
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread thread = new Thread(this::serve, "no-balancer");
      thread.setDaemon(true);
      thread.start();
    }

    private void serve() {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (server.isOpen()) {
        SocketChannel channel;
        try {
          channel = server.accept();
        } catch (IOException e) {
          return; // closed
        }
        try (channel) {
          buffer.clear();
          while (!complete(buffer) && channel.read(buffer) > 0) {
            // an HTTP/1.0 request: headers, then Content-Length bytes
          }
          channel.write(ByteBuffer.wrap(HELD));
        } catch (IOException e) {
          // the agent gave up on this exchange (its timeout): serve the next one
        }
      }
    }

    private static boolean complete(ByteBuffer buffer) {
      String request =
          new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
      int end = request.indexOf("\r\n\r\n");
      if (end < 0) {
        return false;
      }
      Matcher length = CONTENT_LENGTH.matcher(request.substring(0, end));
      return !length.find() || request.length() - end - 4 >= Integer.parseInt(length.group(1));
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
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
