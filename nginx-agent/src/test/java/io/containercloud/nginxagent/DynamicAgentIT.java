package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxagent.agent.Agent;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.etcd.jetcd.Client;
import jakarta.validation.Validation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agent pushing members to its nginx's Lua balancer (real etcd, real nginx with the Lua module):
 * member changes served with no reload while requests flow, a structural change in a burst
 * reloading once, a restarted nginx pushed to again, and the reload path when nginx cannot load the
 * module.
 */
class DynamicAgentIT {

  private static final String HOST = "127.0.0.21";
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final Client etcd =
      Client.builder().endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT)).build();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<HttpServer> backends = new ArrayList<>();
  private final Map<String, Integer> ports = new TreeMap<>();
  private String cluster;
  private int port;
  private NginxProcess nginx;
  private Agent agent;

  @BeforeEach
  void oneHostAndThreeBackends() throws Exception {
    cluster = "dyn-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    port = FreePorts.pick();
    for (String name : List.of("A", "B", "C")) {
      HttpServer server = NginxFixture.backend(0, name);
      backends.add(server);
      ports.put(name, server.getAddress().getPort());
    }
    put(NginxKeys.cluster(cluster), NginxFixture.clusterJson(cluster));
    members("A");
    put(NginxKeys.servers(cluster) + "shop", serverJson("/"));
    nginx = new NginxProcess(Path.of("/usr/sbin/nginx"), Files.createTempDirectory("dynamic"));
  }

  @AfterEach
  void stopEverything() {
    if (agent != null) {
      agent.stop();
    }
    backends.forEach(b -> b.stop(0));
    TestEtcd.removeNginxCluster(etcd, cluster);
    etcd.close();
  }

  @Test
  void memberChangesAreServedWithoutAReloadWhileRequestsFlow() throws Exception {
    agent = start(NginxFixture.LUA_MODULES);
    awaitAnswer("/", "A");
    await().atMost(PATIENCE).until(() -> report().contains("\"mode\":\"dynamic\""));
    long reloads = agent.reloads();
    List<Long> pids = pids();

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Thread client =
        new Thread(
            () -> {
              while (running.get()) {
                sent.incrementAndGet();
                try {
                  if (get("/").statusCode() != 200) {
                    failed.incrementAndGet();
                  }
                } catch (Exception e) {
                  failed.incrementAndGet();
                }
              }
            });
    client.start();
    String[][] sets = {{"B"}, {"A", "C"}, {"C"}, {"A", "B", "C"}, {"A"}};
    for (int change = 0; change < 50; change++) {
      String[] set = sets[change % sets.length];
      members(set);
      await().atMost(PATIENCE).until(() -> answered(12).keySet().equals(Set.of(set)));
    }
    running.set(false);
    client.join();

    assertThat(sent.get()).isPositive();
    assertThat(failed.get()).as("failed of %d requests", sent.get()).isZero();
    assertThat(agent.reloads()).as("reloads").isEqualTo(reloads);
    assertThat(pids()).as("nginx's master and worker PIDs").isEqualTo(pids);
  }

  @Test
  void aStructuralChangeInABurstReloadsOnceAndTheLatestMembersServeAfterIt() throws Exception {
    agent = start(NginxFixture.LUA_MODULES);
    awaitAnswer("/", "A");
    long reloads = agent.reloads();

    for (int i = 0; i < 10; i++) {
      members(i % 2 == 0 ? "B" : "A");
    }
    put(NginxKeys.servers(cluster) + "shop", serverJson("/", "/more"));
    for (int i = 0; i < 10; i++) {
      members(i % 2 == 0 ? "A" : "B");
    }
    members("C");

    awaitAnswer("/more", "C");
    assertThat(answered(6)).isEqualTo(Map.of("C", 6));
    assertThat(agent.reloads() - reloads).as("reloads for one structural change").isEqualTo(1);
  }

  @Test
  void aRestartedNginxServesItsRenderedMembersUntilTheAgentPushesAgain() throws Exception {
    agent = start(NginxFixture.LUA_MODULES);
    awaitAnswer("/", "A");
    members("B"); // pushed: the rendered file still names A
    awaitAnswer("/", "B");

    await().atMost(PATIENCE).until(() -> pushedVersion() > 0);
    long pushed = pushedVersion();

    nginx.stop();
    await().atMost(PATIENCE).until(() -> !nginx.running());
    nginx.ensureRunning();

    awaitAnswer("/", "B"); // pushed again within a turn (a third of the report's TTL)
    await().atMost(PATIENCE).until(() -> pushedVersion() > pushed);
  }

  @Test
  void anUpgradedAgentReloadsTheRunningNginxOnceForItsBalancerCode() throws Exception {
    agent = start(NginxFixture.LUA_MODULES);
    awaitAnswer("/", "A");
    agent.stop(); // and its nginx
    agent = null;
    await().atMost(PATIENCE).until(() -> !nginx.running());
    Path code = nginx.prefix().resolve("lua/platform_balancer.lua");
    String current = Files.readString(code);
    Files.writeString(code, "-- an older agent's code\n" + current);
    nginx.ensureRunning(); // it loads the older code, and serves without an agent
    awaitAnswer("/", "A");
    long master = nginx.pid().orElseThrow();

    agent = start(NginxFixture.LUA_MODULES);
    assertThat(agent.reloads()).as("reloads at start for new code").isEqualTo(1);
    assertThat(Files.readString(code)).isEqualTo(current);
    assertThat(nginx.pid()).contains(master);
    members("C");
    awaitAnswer("/", "C");

    agent.stop();
    await().atMost(PATIENCE).until(() -> !nginx.running());
    nginx.ensureRunning();
    agent = start(NginxFixture.LUA_MODULES);
    assertThat(agent.reloads()).as("reloads at start for the same code").isZero();
  }

  @Test
  void withoutTheLuaModuleEveryChangeReloadsAndTheReportSaysWhy() throws Exception {
    agent = start(List.of(Path.of("/nonexistent/ngx_http_lua_module.so")));
    awaitAnswer("/", "A");
    long reloads = agent.reloads();

    members("B");

    awaitAnswer("/", "B");
    assertThat(agent.reloads()).isGreaterThan(reloads);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(report())
                    .contains("\"mode\":\"reload\"")
                    .contains("no Lua module at /nonexistent/ngx_http_lua_module.so"));
  }

  private Agent start(List<Path> luaModules) {
    Path prefix = nginx.prefix();
    Agent started =
        new Agent(
            new NginxAgentProperties(
                cluster,
                "host-1",
                Path.of("/usr/sbin/nginx"),
                prefix,
                INTERVAL,
                HOST,
                prefix.resolve("certs"),
                "1",
                Duration.ofSeconds(5),
                true,
                "auto",
                luaModules,
                NginxFixture.PUSH_INTERVAL),
            etcd,
            JsonMapper.builder().build(),
            Validation.buildDefaultValidatorFactory().getValidator(),
            NginxFixture.CIPHER,
            nginx);
    started.start();
    return started;
  }

  /** Upstream {@code shop} with these backends as its members. */
  private void members(String... names) throws Exception {
    put(
        NginxKeys.upstreams(cluster) + "shop",
        NginxFixture.upstreamJson(
            "shop", java.util.Arrays.stream(names).mapToInt(ports::get).toArray()));
  }

  private Map<String, Integer> answered(int requests) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      counts.merge(get("/").body(), 1, Integer::sum);
    }
    return counts;
  }

  private void awaitAnswer(String path, String body) {
    await().atMost(PATIENCE).ignoreExceptions().until(() -> body.equals(get(path).body()));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
            .timeout(Duration.ofSeconds(3))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** nginx's master and worker PIDs. */
  private List<Long> pids() {
    long master = nginx.pid().orElseThrow();
    List<Long> pids = new ArrayList<>(List.of(master));
    ProcessHandle.of(master).orElseThrow().children().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  private long pushedVersion() throws Exception {
    Matcher version = Pattern.compile("\"pushedVersion\":(\\d+)").matcher(report());
    return version.find() ? Long.parseLong(version.group(1)) : 0;
  }

  private String report() throws Exception {
    return NginxFixture.report(etcd, cluster, "host-1");
  }

  private String serverJson(String... paths) {
    String locations =
        String.join(
            ",",
            java.util.Arrays.stream(paths)
                .map(p -> "{\"path\":\"" + p + "\",\"match\":\"prefix\",\"upstream\":\"shop\"}")
                .toList());
    return """
        {"name":"shop","tenant":"tenant-a","serverNames":["shop.example.com"],
         "listen":[{"port":%d}],"locations":[%s]}"""
        .formatted(port, locations);
  }

  private void put(String key, String value) throws Exception {
    etcd.getKVClient().put(NginxFixture.bytes(key), NginxFixture.bytes(value)).get();
  }
}
