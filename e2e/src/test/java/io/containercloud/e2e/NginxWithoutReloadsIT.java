package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * nginx without reloads, from nginx-mgr to a real nginx with the Lua module: members, weights,
 * switches, container addresses from cluster-service's endpoint events and health are pushed by the
 * agent (the packaged jar) to nginx's balancer while a client sends requests, with nginx's
 * processes unchanged; a structural change reloads once; a restarted nginx is pushed to again; an
 * nginx without the module is served by reloads. kube-sim's pods are on loopback here, so one
 * server on the wildcard address answers for each pod with its own address.
 */
class NginxWithoutReloadsIT {

  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String HOST = "host-3";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String HEALTH =
      """
      "healthCheck":{"interval":"1s","rise":1,"fall":3,"timeout":"1s","path":"/",
                     "expectedStatuses":[200]}""";
  private static final Pattern RELOADS =
      Pattern.compile("^nginx_agent_reloads_total(?:\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

  private static E2ePlatform platform;
  private static String cluster;
  private static ServiceProcess agent;
  private static NginxHost nginx;
  private static final List<HttpServer> backends = new ArrayList<>();

  /** What the tests made in nginx-mgr, newest first: removed in that order after the class. */
  private static final Deque<String> made = new ArrayDeque<>();

  /**
   * Workloads the tests deployed, removed after the class: removing one empties its container
   * group, which would change what a later test counts.
   */
  private static final List<String> workloads = new ArrayList<>();

  /** The ETag of each object's version the tests wrote or read last, by path. */
  private static final Map<String, String> etags = new HashMap<>();

  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final Session admin = platform.admin();

  @BeforeAll
  static void aClusterAndADynamicAgent() throws Exception {
    platform = E2ePlatform.get();
    cluster = "e2e-" + platform.run + "-dynamic";
    create(platform.admin(), "/clusters", cluster, NginxHost.clusterJson(cluster));
    nginx = host(HOST, "127.0.0.63");
    agent = platform.nginxAgent(cluster, HOST, nginx.address, nginx.prefix).awaitReady();
    await().atMost(LIMIT).until(() -> "dynamic".equals(agentState(HOST).get("mode")));
  }

  @AfterAll
  static void removeEverything() throws IOException {
    if (agent != null) {
      agent.close(); // stops its nginx (stop-nginx-on-exit)
    }
    backends.forEach(b -> b.stop(0));
    while (!made.isEmpty()) {
      String path = "/api/nginx" + made.pop();
      HttpResponse<String> current = platform.admin().send("GET", path, null);
      platform.ok("DELETE", path, null, current.headers().firstValue("ETag").orElseThrow());
    }
    workloads.forEach(w -> platform.ok("DELETE", "/api/clusters/workloads/platform/" + w, null));
  }

  @Test
  void aThousandMemberEndpointAndSwitchChangesAreServedWithoutAReloadOrAFailedRequest()
      throws Exception {
    String name = "flow-" + id;
    String upstream = "/api/nginx/clusters/" + cluster + "/upstreams/" + name;
    int podPort = FreePorts.pick();
    backends.add(
        NginxHost.backend(
            new InetSocketAddress(podPort), local -> "pod-" + local.getAddress().getHostAddress()));
    Map<String, Integer> vms = new TreeMap<>();
    for (String vm : List.of("vm-A", "vm-B", "vm-C", "vm-D")) {
      vms.put(vm, backend(vm));
    }
    int replicas = 3;
    int inRoom =
        inRoom1(
            platform.ok("POST", "/api/clusters/workloads", deployment(name, replicas, podPort)));
    workloads.add(name);
    Set<String> vmSet = Set.of("vm-A");
    create(
        admin,
        "/clusters/" + cluster + "/upstreams",
        name,
        flowUpstream(name, podPort, members(vmSet, vms)));
    int port = FreePorts.pick();
    create(admin, "/clusters/" + cluster + "/servers", name, server(name, port, "/"));
    awaitAnswers(port, vmSet);
    Set<String> pods = awaitPods(upstream, p -> p.size() == inRoom);

    long reloads = reloads(agent);
    List<Long> pids = nginx.pids();
    Object structural = agentState(HOST).get("structuralRevision");
    Random random = new Random(16);
    int changes = 0;
    try (NginxHost.Client client = nginx.client(port)) {
      while (changes < 1000) {
        for (int i = 0; i < 20 && changes < 1000; i++, changes++) {
          vmSet = subset(vms.keySet(), random);
          write("PUT", upstream, flowUpstream(name, podPort, members(vmSet, vms)));
          client.awaitAnswers(vmSet);
        }
        switchTo(upstream, "{\"active\":\"container\"}");
        client.awaitAnswers(pods);
        // an endpoint change: cluster-service announces the room's new ready pods
        replicas = replicas == 3 ? 9 : 3;
        int scaled =
            inRoom1(
                platform.ok(
                    "PUT",
                    "/api/clusters/workloads/platform/" + name + "/replicas",
                    "{\"replicas\":" + replicas + "}"));
        Set<String> before = pods;
        pods = awaitPods(upstream, p -> p.size() == scaled);
        client.awaitAnswers(pods);
        changes += pods.equals(before) ? 0 : 1;
        switchTo(upstream, "{\"active\":\"both\",\"weights\":{\"vm\":50,\"container\":50}}");
        Set<String> both = new TreeSet<>(vmSet);
        both.addAll(pods);
        client.awaitAnswers(both);
        switchTo(upstream, "{\"active\":\"vm\"}");
        client.awaitAnswers(vmSet);
        changes += 3;
      }
      assertThat(client.sent.get()).isGreaterThan(changes);
      assertThat(client.failed.get()).as("failed of %d requests", client.sent.get()).isZero();
    }
    assertThat(reloads(agent)).as("reloads").isEqualTo(reloads);
    assertThat(nginx.pids()).as("nginx's master and worker PIDs").isEqualTo(pids);
    assertThat(agentState(HOST).get("structuralRevision")).isEqualTo(structural);
  }

  @Test
  void aKilledMemberIsTakenOutByAProbesPushAndPutBackWhenItAnswersAgain() throws Exception {
    String name = "probed-" + id;
    int a = backend("vm-A");
    HttpServer b = NginxHost.backend("vm-B");
    int bPort = b.getAddress().getPort();
    // probes every second; down after 2 failures, up after 2 good answers
    create(
        admin,
        "/clusters/" + cluster + "/upstreams",
        name,
        """
        {"name":"%s","balance":"round-robin","active":"vm",
         "vm":{"members":[{"host":"127.0.0.1","port":%d},{"host":"127.0.0.1","port":%d}]},
         "healthCheck":{"interval":"1s","rise":2,"fall":2,"timeout":"500ms","path":"/",
                        "expectedStatuses":[200]}}"""
            .formatted(name, a, bPort));
    int port = FreePorts.pick();
    create(admin, "/clusters/" + cluster + "/servers", name, server(name, port, "/"));
    awaitAnswers(port, Set.of("vm-A", "vm-B"));
    long reloads = reloads(agent);
    // a probe is due at most one agent tick (200 ms) after its interval; the push takes ms
    Duration twoProbes = Duration.ofMillis(2 * (1000 + 200) + 500);

    try (NginxHost.Client client = nginx.client(port)) {
      b.stop(0);
      long killed = System.nanoTime();
      await()
          .atMost(LIMIT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !nginx.held(name).contains("\"port\":" + bPort));
      assertThat(Duration.ofNanos(System.nanoTime() - killed))
          .as("taken out after interval x fall")
          .isLessThanOrEqualTo(twoProbes);
      client.awaitAnswers(Set.of("vm-A"));

      backends.add(NginxHost.backend(new InetSocketAddress("127.0.0.1", bPort), local -> "vm-B"));
      long back = System.nanoTime();
      await()
          .atMost(LIMIT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> nginx.held(name).contains("\"port\":" + bPort));
      assertThat(Duration.ofNanos(System.nanoTime() - back))
          .as("put back after interval x rise")
          .isLessThanOrEqualTo(twoProbes);
      client.awaitAnswers(Set.of("vm-A", "vm-B"));
      assertThat(client.failed.get()).as("failed of %d requests", client.sent.get()).isZero();
    }
    assertThat(reloads(agent)).as("reloads").isEqualTo(reloads);
  }

  @Test
  void aStructuralChangeDuringABurstReloadsOnceAndTheLatestMembersServeAfterIt() throws Exception {
    String name = "burst-" + id;
    String upstream = "/api/nginx/clusters/" + cluster + "/upstreams/" + name;
    Map<String, Integer> vms = new TreeMap<>();
    for (String vm : List.of("vm-A", "vm-B", "vm-C")) {
      vms.put(vm, backend(vm));
    }
    int port = upstreamAndServer(name, Set.of("vm-A"), vms);
    String server = "/api/nginx/clusters/" + cluster + "/servers/" + name;
    awaitAnswers(port, Set.of("vm-A"));
    long reloads = reloads(agent);

    for (int i = 0; i < 15; i++) {
      write("PUT", upstream, vmUpstream(name, members(Set.of(i % 2 == 0 ? "vm-B" : "vm-A"), vms)));
    }
    write("PUT", server, server(name, port, "/", "/more"));
    for (int i = 0; i < 15; i++) {
      write("PUT", upstream, vmUpstream(name, members(Set.of(i % 2 == 0 ? "vm-A" : "vm-B"), vms)));
    }
    write("PUT", upstream, vmUpstream(name, members(Set.of("vm-C"), vms)));

    await()
        .atMost(LIMIT)
        .ignoreExceptions()
        .until(() -> "vm-C".equals(nginx.get(port, "/more").body()));
    assertThat(nginx.answered(port, "/", 6)).isEqualTo(Map.of("vm-C", 6));
    assertThat(reloads(agent) - reloads).as("reloads for one structural change").isEqualTo(1);
  }

  @Test
  void aRestartedNginxServesItsFallbackUntilPushedAgainAndItsChannelRefusesBadStates()
      throws Exception {
    String name = "again-" + id;
    String upstream = "/api/nginx/clusters/" + cluster + "/upstreams/" + name;
    Map<String, Integer> vms = Map.of("vm-A", backend("vm-A"), "vm-B", backend("vm-B"));
    int port = upstreamAndServer(name, Set.of("vm-A"), vms);
    awaitAnswers(port, Set.of("vm-A"));
    write("PUT", upstream, vmUpstream(name, members(Set.of("vm-B"), vms))); // pushed only
    awaitAnswers(port, Set.of("vm-B"));
    await().atMost(LIMIT).until(() -> pushedVersion() > 0);
    long pushed = pushedVersion();

    // by hand, as an operator would: stop nginx, start it again on the agent's configuration
    long master = nginx.master();
    String conf = nginx.prefix.resolve("conf/nginx.conf").toString();
    nginx("-c", conf, "-s", "stop");
    await().atMost(LIMIT).until(() -> ProcessHandle.of(master).isEmpty());
    nginx("-c", conf);
    HttpResponse<String> first = nginx.get(port, "/"); // the rendered members, or pushed already
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isIn("vm-A", "vm-B");
    awaitAnswers(port, Set.of("vm-B"));
    await().atMost(LIMIT).until(() -> pushedVersion() > pushed);

    String held = nginx.held(name);
    String path = "/upstreams/" + name;
    NginxHost.Answer broken = nginx.balancer("PUT", path, "{\"version\":");
    assertThat(broken.status()).as(broken.body()).isEqualTo(400);
    NginxHost.Answer badPort =
        nginx.balancer(
            "PUT",
            path,
            """
            {"version":999999,"members":[{"host":"127.0.0.1","port":70000,"weight":1,
             "backup":false,"maxFails":1,"failTimeout":10}]}""");
    assertThat(badPort.status()).isEqualTo(400);
    assertThat(badPort.body()).contains("port");
    NginxHost.Answer older =
        nginx.balancer(
            "PUT",
            path,
            """
            {"version":1,"members":[{"host":"127.0.0.1","port":%d,"weight":1,
             "backup":false,"maxFails":1,"failTimeout":10}]}"""
                .formatted(vms.get("vm-A")));
    assertThat(older.status()).isEqualTo(409);
    assertThat(older.body()).contains("held");
    assertThat(nginx.held(name)).isEqualTo(held);
    assertThat(nginx.answered(port, "/", 4)).isEqualTo(Map.of("vm-B", 4));
  }

  @Test
  void withoutTheLuaModuleAnAgentReloadsForEveryChangeAndSaysSo() throws Exception {
    String host = "host-4";
    NginxHost plain = host(host, "127.0.0.64");
    Path log = Path.of("target", "nginx-agent-" + host + ".log");
    long logFrom = Files.exists(log) ? Files.size(log) : 0;
    String module = "/nonexistent/ngx_http_lua_module.so";
    try (ServiceProcess reloading =
        platform.nginxAgent(
            cluster,
            host,
            plain.address,
            plain.prefix,
            "platform.nginx-agent.lua-modules=" + module)) {
      reloading.awaitReady();
      String name = "plain-" + id;
      String upstream = "/api/nginx/clusters/" + cluster + "/upstreams/" + name;
      Map<String, Integer> vms = Map.of("vm-A", backend("vm-A"), "vm-B", backend("vm-B"));
      int port = upstreamAndServer(name, Set.of("vm-A"), vms);
      await()
          .atMost(LIMIT)
          .ignoreExceptions()
          .until(() -> "vm-A".equals(plain.get(port, "/").body()));
      await().atMost(LIMIT).until(() -> "reload".equals(agentState(host).get("mode")));
      assertThat(agentState(HOST).get("mode")).isEqualTo("dynamic");
      assertThat(Files.readString(log).substring((int) logFrom))
          .contains("every change reloads nginx: no Lua module at " + module);
      long reloads = reloads(reloading);

      write("PUT", upstream, vmUpstream(name, members(Set.of("vm-B"), vms)));

      await()
          .atMost(LIMIT)
          .ignoreExceptions()
          .until(() -> "vm-B".equals(plain.get(port, "/").body()));
      assertThat(reloads(reloading)).isGreaterThan(reloads);
    }
  }

  /** A host of this run's cluster: its agent's nginx in {@code target}, on {@code address}. */
  private static NginxHost host(String host, String address) throws IOException {
    Path prefix =
        Files.createDirectories(Path.of("target", "nginx-" + platform.run, host).toAbsolutePath());
    return new NginxHost(prefix, address);
  }

  /**
   * Upstream {@code name} with the members {@code serving} of {@code vms}, and a server for it on a
   * new port; the port.
   */
  private int upstreamAndServer(String name, Set<String> serving, Map<String, Integer> vms) {
    create(
        admin,
        "/clusters/" + cluster + "/upstreams",
        name,
        vmUpstream(name, members(serving, vms)));
    int port = FreePorts.pick();
    create(admin, "/clusters/" + cluster + "/servers", name, server(name, port, "/"));
    return port;
  }

  /** The nginx binary on the agent's prefix, as its operator runs it by hand. */
  private static void nginx(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/sbin/nginx", "-p", nginx.prefix + "/"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  private void switchTo(String upstream, String json) {
    etags.put(
        upstream,
        admin
            .okResponse("POST", upstream + "/switch", json, etags.get(upstream))
            .headers()
            .firstValue("ETag")
            .orElseThrow());
  }

  /** A PUT of an nginx-mgr object with the ETag of the version this test wrote or read last. */
  private void write(String method, String path, String json) {
    etags.put(
        path,
        admin
            .okResponse(method, path, json, etags.get(path))
            .headers()
            .firstValue("ETag")
            .orElseThrow());
  }

  /** Creates an nginx-mgr object as {@code session}. */
  private static void create(Session session, String collection, String name, String json) {
    String path = "/api/nginx" + collection + "/" + name;
    etags.put(
        path,
        session
            .okResponse("POST", "/api/nginx" + collection, json, null)
            .headers()
            .firstValue("ETag")
            .orElseThrow());
    made.push(collection + "/" + name);
  }

  /**
   * Waits until the upstream's container group holds addresses {@code fits} (an endpoint event
   * changed it, and its ETag); them, as answers.
   */
  private Set<String> awaitPods(String upstream, Predicate<Set<String>> fits) {
    HttpResponse<String> read =
        await()
            .atMost(LIMIT)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> admin.okResponse("GET", upstream, null, null), r -> fits.test(pods(r)));
    etags.put(upstream, read.headers().firstValue("ETag").orElseThrow());
    return pods(read);
  }

  /** How many of a workload's replicas cluster-service placed in room-1, from its answer. */
  private static int inRoom1(String workload) {
    List<Integer> replicas =
        JsonPath.read(workload, "$.clusters[?(@.cluster == 'room-1')].replicas");
    assertThat(replicas).as(workload).hasSize(1);
    return replicas.get(0);
  }

  private static Set<String> pods(HttpResponse<String> upstream) {
    return JsonPath.<List<String>>read(upstream.body(), "$.container.members").stream()
        .map(ip -> "pod-" + ip)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Waits until requests through nginx reach exactly {@code answers}: three rounds over the members
   * answer each of them and nothing else.
   */
  private static void awaitAnswers(int port, Set<String> answers) {
    await()
        .atMost(LIMIT)
        .pollInterval(Duration.ofMillis(10))
        .ignoreExceptions()
        .until(() -> nginx.answered(port, "/", 3 * answers.size() + 3).keySet().equals(answers));
  }

  /** The agent's row in the cluster's convergence view. */
  private static Map<String, Object> agentState(String host) {
    List<Map<String, Object>> rows =
        JsonPath.read(
            platform.ok("GET", "/api/nginx/clusters/" + cluster + "/convergence", null),
            "$.agents[?(@.host == '" + host + "')]");
    return rows.isEmpty() ? Map.of() : rows.get(0);
  }

  private static long pushedVersion() {
    Object version = agentState(HOST).get("pushedVersion");
    return version == null ? 0 : ((Number) version).longValue();
  }

  /** The reloads an agent made, from its metrics. */
  private static long reloads(ServiceProcess agent) throws Exception {
    String metrics =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher reloads = RELOADS.matcher(metrics);
    assertThat(reloads.find()).as("nginx_agent_reloads_total in " + metrics).isTrue();
    return (long) Double.parseDouble(reloads.group(1));
  }

  /** One to all of {@code names}, at random. */
  private static Set<String> subset(Set<String> names, Random random) {
    Set<String> subset = new TreeSet<>();
    while (subset.isEmpty()) {
      names.stream().filter(n -> random.nextBoolean()).forEach(subset::add);
    }
    return subset;
  }

  private static String members(Set<String> names, Map<String, Integer> ports) {
    return names.stream()
        .map(n -> "{\"host\":\"127.0.0.1\",\"port\":" + ports.get(n) + "}")
        .collect(Collectors.joining(","));
  }

  private static String vmUpstream(String name, String members) {
    return """
        {"name":"%s","balance":"round-robin","active":"vm","vm":{"members":[%s]},%s}"""
        .formatted(name, members, HEALTH);
  }

  /** VM members and the workload {@code name}'s pods in room-1 as the container group. */
  private static String flowUpstream(String name, int podPort, String members) {
    return """
        {"name":"%s","balance":"round-robin","active":"vm","vm":{"members":[%s]},
         "container":{"cluster":"room-1","namespace":"platform","service":"%s","port":%d},%s}"""
        .formatted(name, members, name, podPort, HEALTH);
  }

  private static String server(String name, int port, String... paths) {
    String locations =
        java.util.Arrays.stream(paths)
            .map(
                p ->
                    "{\"path\":\"%s\",\"match\":\"prefix\",\"upstream\":\"%s\"}".formatted(p, name))
            .collect(Collectors.joining(","));
    return """
        {"name":"%s","serverNames":["%s.example.com"],"listen":[{"port":%d}],"locations":[%s]}"""
        .formatted(name, name, port, locations);
  }

  private static String deployment(String name, int replicas, int port) {
    return """
        {"name":"%s","image":"registry.example.com/shop/api:1.0","replicas":%d,
         "spec":{"application":"shop","ports":[{"name":"http","port":%d}],
                 "resources":{"requests":{"cpu":"250m","memory":"256Mi"},
                              "limits":{"cpu":"500m","memory":"512Mi"}}}}"""
        .formatted(name, replicas, port);
  }

  private static int backend(String answer) throws IOException {
    HttpServer server = NginxHost.backend(answer);
    backends.add(server);
    return server.getAddress().getPort();
  }
}
