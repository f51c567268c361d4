package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestKafka;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform the e2e tests drive, started once per test JVM and shared by every test class: a
 * kube-sim with three rooms and the packaged jars of gateway, cluster-service, dns-service,
 * nginx-mgr, audit-service, build-service and app-orchestrator, wired as the local platform wires
 * them (services trust the gateway's JWKS; the admin logs in for real). It keeps out of the local
 * platform's way: its own databases ({@code e2e_<run>_*}, made on first connection and dropped at
 * the end), Kafka topics ({@code e2e.<topic>}) and consumer groups, etcd election, DNS zone {@code
 * e2e.test} and nginx cluster. Test classes add users of other tenants ({@link #newUser}) and
 * nginx-agents ({@link #nginxAgent}) when they need them.
 */
final class E2ePlatform {

  static final String ZONE = "e2e.test";

  /**
   * Before every topic name; not the module tests' {@code test.}: the e2e consumers start in new
   * groups from the earliest offset and would act on whatever module tests left there ({@code
   * endpoint-events} is compacted and keeps every service's last addresses). For the same reason
   * the platform deletes these topics before it starts: earlier e2e runs' events name databases
   * that are gone, and replaying them cost the services of each run more than the last.
   */
  static final String TOPIC_PREFIX = "e2e.";

  static final List<String> ROOMS = List.of("room-1", "room-2", "room-3");

  /** Each room's registry (scripts/infra.sh). */
  static final List<Integer> REGISTRY_PORTS =
      List.of(LocalInfra.REGISTRY_PORT, LocalInfra.REGISTRY2_PORT, LocalInfra.REGISTRY3_PORT);

  private static final String JWKS = "/.well-known/jwks.json";
  // the e2e build-service's key for the secrets it keeps (32 bytes, base64)
  private static final String BUILD_SECRETS_KEY = "Qm9va3NBbmRIb29rc0tleUZvckUyZVRlc3RzT25seTE=";
  private static final String[] DATABASES = {"gateway", "cluster", "dns", "audit", "build", "app"};

  /** Where the local registry sends the e2e build-service its notifications (scripts/infra.sh). */
  static final int REGISTRY_LISTENER_PORT = 18183;

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static E2ePlatform instance;
  private static IllegalStateException failed;

  final String run = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  private final Path state = Files.createTempDirectory("e2e-platform");
  private final List<ServiceProcess> processes = new ArrayList<>();

  /** The simulated clusters' objects all live in kube-sim's heap. */
  private final ServiceProcess kubeSim = new ServiceProcess("kube-sim").heap("1g");

  private final ServiceProcess gateway = new ServiceProcess("gateway");
  private final ServiceProcess clusters = new ServiceProcess("cluster-service");
  private final ServiceProcess dns = new ServiceProcess("dns-service");
  private final ServiceProcess nginx = new ServiceProcess("nginx-mgr");
  private final ServiceProcess audit = new ServiceProcess("audit-service");
  private final ServiceProcess builds =
      new ServiceProcess("build-service", "build-service", REGISTRY_LISTENER_PORT);
  private final ServiceProcess apps = new ServiceProcess("app-orchestrator");
  private final ServiceProcess logCenter = new ServiceProcess("log-center");

  /** The log-agent of one node: the pods of {@link #LOGGED_NODE} have their logs shipped. */
  private final ServiceProcess logAgent = new ServiceProcess("log-agent").heap("128m");

  /** nginx-mgr seals certificate keys with it; the agents open them with it. */
  private final String certificatesKey = randomKey();

  private Session admin;

  private E2ePlatform() throws IOException {}

  /** The running platform, started on first use; stopped when the test JVM ends. */
  static synchronized E2ePlatform get() {
    if (failed != null) {
      throw failed; // one failed start is enough: later test classes do not start six jars again
    }
    if (instance == null) {
      E2ePlatform platform = null;
      try {
        platform = new E2ePlatform();
        Runtime.getRuntime().addShutdownHook(new Thread(platform::stop));
        platform.start();
        instance = platform;
      } catch (Exception e) {
        if (platform != null) {
          platform.stop();
        }
        failed = new IllegalStateException("the e2e platform did not start", e);
        throw failed;
      }
    }
    return instance;
  }

  /** The node whose container logs a log-agent ships. */
  static final String LOGGED_NODE = "room-1-node-1";

  String kubeSimUrl() {
    return kubeSim.url();
  }

  /** The gateway's base URL, for callers that hold no token (git hosts' hooks). */
  String gatewayUrl() {
    return gateway.url();
  }

  /** A client of one simulated cluster, by the kubeconfig the platform registered it with. */
  KubernetesClient cluster(String room) {
    try {
      return new KubernetesClientBuilder()
          .withConfig(
              Config.fromKubeconfig(
                  Files.readString(state.resolve("kubeconfigs").resolve(room + ".kubeconfig"))))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Requests through the gateway as the admin. */
  Session admin() {
    return admin;
  }

  /** A request through the gateway as the admin. */
  HttpResponse<String> send(String method, String path, String json) {
    return admin.send(method, path, json);
  }

  /** The same with {@code If-Match}. */
  HttpResponse<String> send(String method, String path, String json, String ifMatch) {
    return admin.send(method, path, json, ifMatch);
  }

  /** The same, insisting on a 2xx answer. */
  String ok(String method, String path, String json) {
    return admin.ok(method, path, json);
  }

  /** The same with {@code If-Match}, insisting on a 2xx answer. */
  String ok(String method, String path, String json, String ifMatch) {
    return admin.ok(method, path, json, ifMatch);
  }

  /**
   * A new user of {@code tenant} (which must exist) with one role, made by the admin through the
   * gateway's admin API, and logged in.
   */
  Session newUser(String username, String tenant, String role) {
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    admin.ok(
        "POST",
        "/api/admin/users",
        """
        {"username":"%s","password":"%s","tenant":"%s","roles":["%s"]}"""
            .formatted(username, password, tenant, role));
    return login(username, password);
  }

  /**
   * An nginx-agent (its packaged jar) following the nginx cluster {@code cluster} as {@code host}:
   * it runs its own nginx in {@code prefix}, listening on {@code address}, and stops it when it
   * stops. It opens the certificate keys this platform's nginx-mgr sealed. {@code settings} come
   * after the rest (key=value). Started, not awaited; the caller closes it.
   */
  ServiceProcess nginxAgent(
      String cluster, String host, String address, Path prefix, String... settings)
      throws IOException {
    List<String> all =
        new ArrayList<>(
            List.of(
                "platform.security.jwks-uri=" + gateway.url() + JWKS,
                "platform.etcd.endpoints=http://127.0.0.1:" + LocalInfra.ETCD_PORT,
                "platform.nginx-agent.cluster=" + cluster,
                "platform.nginx-agent.host-id=" + host,
                "platform.nginx-agent.prefix=" + prefix,
                "platform.nginx-agent.cert-dir=" + prefix.resolve("certs"),
                "platform.nginx-agent.listen-address=" + address,
                "platform.nginx-agent.certificates-key=" + certificatesKey,
                "platform.nginx-agent.reload-interval=200ms",
                "platform.nginx-agent.worker-processes=1",
                "platform.nginx-agent.stop-nginx-on-exit=true"));
    all.addAll(List.of(settings));
    return new ServiceProcess("nginx-agent", "nginx-agent-" + host).start(all);
  }

  /** cluster-service's process, for drills that stop it and start it again. */
  ServiceProcess clusterService() {
    return clusters;
  }

  /** app-orchestrator's process, for drills that kill it and start it again. */
  ServiceProcess orchestrator() {
    return apps;
  }

  /**
   * A kube-sim drill: the Deployment's pods never turn Ready in any room ({@code held} true), or
   * may again. Set before the Deployment exists, it holds its first pods too.
   */
  void holdUnready(String namespace, String deployment, boolean held) {
    for (String room : ROOMS) {
      kubeSimAdmin(
          "PUT",
          "/clusters/" + room + "/readiness",
          "{\"namespace\":\"%s\",\"deployment\":\"%s\",\"ready\":%s}"
              .formatted(namespace, deployment, !held),
          204);
    }
  }

  /**
   * A kube-sim drill: what a Deployment's containers write to their logs, {@code settings} being
   * the admin API's body ({@code {"namespace":..,"deployment":..,"linesPerSecond":..,...}}).
   */
  void containerLogs(String room, String settings) {
    kubeSimAdmin("PUT", "/clusters/" + room + "/logs", settings, 204);
  }

  /** What {@code room} saw happen to the Deployments of {@code namespace}, as kube-sim's JSON. */
  String timeline(String room, String namespace) {
    return kubeSimAdmin("GET", "/clusters/" + room + "/timeline?namespace=" + namespace, null, 200);
  }

  private String kubeSimAdmin(String method, String path, String json, int expected) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(kubeSim.url() + path));
      if (json == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
      }
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("kube-sim " + path).isEqualTo(expected);
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A kube-sim drill: {@code POST /clusters/<room>/fail} or {@code heal}. */
  void kubeSim(String room, String drill) {
    try {
      int status =
          HTTP.send(
                  HttpRequest.newBuilder(
                          URI.create(kubeSim.url() + "/clusters/" + room + "/" + drill))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      assertThat(status).as("kube-sim " + drill + " " + room).isEqualTo(204);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void start() throws Exception {
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    String jwks = "platform.security.jwks-uri=" + gateway.url() + JWKS;
    String kafka = "spring.kafka.bootstrap-servers=" + LocalInfra.KAFKA_BOOTSTRAP;
    String topics = "platform.kafka.topic-prefix=" + TOPIC_PREFIX;
    TestKafka.deleteTopics(TOPIC_PREFIX);
    launch(
        kubeSim,
        "clusters=3",
        // three nodes for the tests; the benchmark's 750 pods a room need more
        "nodes=" + System.getProperty("e2e.nodes", "3"),
        "kube-sim.base-port=0",
        "kube-sim.node-cpu=8",
        "kube-sim.node-memory=32Gi",
        // short for the tests; the benchmark sets kube-sim's default
        "kube-sim.pod-ready-delay=" + System.getProperty("e2e.pod-ready-delay", "200ms"),
        // pods on loopback: a test's server on the wildcard address answers for them (nginx's
        // container groups)
        "kube-sim.pod-network=127",
        "kube-sim.kubeconfig-dir=" + state.resolve("kubeconfigs"),
        "kube-sim.logs.dir=" + state.resolve("nodes"));
    launch(
        gateway,
        "spring.datasource.url=" + jdbcUrl("gateway"),
        kafka,
        topics,
        "platform.gateway.signing-key=" + signingKey(),
        "platform.gateway.bootstrap-admin-password=" + password,
        "platform.gateway.services.clusters=" + clusters.url(),
        "platform.gateway.services.dns=" + dns.url(),
        "platform.gateway.services.nginx=" + nginx.url(),
        "platform.gateway.services.audit=" + audit.url(),
        "platform.gateway.services.builds=" + builds.url(),
        "platform.gateway.services.apps=" + apps.url(),
        "platform.gateway.services.logs=" + logCenter.url(),
        "platform.gateway.service-accounts.app-orchestrator.secret-file=" + serviceSecret(),
        "platform.gateway.service-accounts.app-orchestrator.role=developer",
        "platform.gateway.service-accounts.app-orchestrator.tenants[0]=*");
    launch(
        clusters,
        "spring.datasource.url=" + jdbcUrl("cluster"),
        kafka,
        topics,
        jwks,
        "platform.cluster.credentials-key=" + randomKey(),
        "platform.cluster.leader.election=/e2e/" + run + "/cluster-service/leader",
        "platform.cluster.failover.quiet-period=10s",
        "platform.cluster.workloads.reconcile-interval="
            + System.getProperty("e2e.reconcile-interval", "5s"),
        "platform.cluster.image-follow.consumer-group=e2e-image-follow-" + run,
        "platform.cluster.image-events.consumer-group=e2e-image-events-" + run);
    launch(
        dns,
        "spring.datasource.url=" + jdbcUrl("dns"),
        kafka,
        topics,
        jwks,
        "platform.dns.tsig-keys.platform-key.secret=" + tsigSecret(),
        "platform.dns.naming.zone=" + ZONE,
        "platform.dns.naming.consumer-group=e2e-dns-" + run,
        "platform.dns.naming.registry-consumer-group=e2e-dns-registries-" + run);
    launch(
        nginx,
        kafka,
        topics,
        jwks,
        "platform.nginx.certificates-key=" + certificatesKey,
        "platform.nginx.endpoints.consumer-group=e2e-nginx-" + run);
    launch(
        audit,
        "spring.datasource.url=" + jdbcUrl("audit"),
        kafka,
        topics,
        jwks,
        "platform.audit.consumer-group=e2e-audit-" + run);
    launch(
        builds,
        "spring.datasource.url=" + jdbcUrl("build"),
        kafka,
        topics,
        jwks,
        "platform.build.registry-events.secret="
            + Files.readString(
                    LocalInfra.projectRoot().resolve("scripts/infra/registry-notify.secret"))
                .trim(),
        "platform.build.secrets-key=" + BUILD_SECRETS_KEY,
        "platform.build.registry-names.zone=" + ZONE,
        // a room's registry back from an outage is caught up within seconds
        "platform.build.sync.retry-initial=1s",
        "platform.build.sync.retry-max=4s");
    launch(
        apps,
        "spring.datasource.url=" + jdbcUrl("app"),
        kafka,
        topics,
        jwks,
        "platform.etcd.endpoints=http://127.0.0.1:" + LocalInfra.ETCD_PORT,
        "platform.apps.cluster-service.url=" + clusters.url(),
        "platform.apps.service-token.gateway-url=" + gateway.url(),
        "platform.apps.service-token.secret-file=" + serviceSecret(),
        "platform.apps.operations.election=/e2e/" + run + "/app-orchestrator/leader",
        "platform.apps.operations.leader-ttl=2s",
        // with Kafka away a waiting step reads its workload every two seconds (a benchmark runs
        // the service's default)
        "platform.apps.operations.read-after=" + System.getProperty("e2e.read-after", "2s"),
        "platform.apps.image-pushes.consumer-group=e2e-app-pushes-" + run,
        "platform.apps.workload-status.consumer-group=e2e-app-status-" + run);
    launch(logCenter, jwks, "platform.logs.exports.dir=" + state.resolve("exports"));
    for (ServiceProcess process : processes) {
      process.awaitReady();
    }
    // after kube-sim, whose kubeconfig it reads at start
    launch(
        logAgent,
        jwks,
        "platform.log-agent.node=" + LOGGED_NODE,
        "platform.log-agent.cluster=room-1",
        "platform.log-agent.pod-logs="
            + state.resolve("nodes").resolve(LOGGED_NODE).resolve("pods"),
        "platform.log-agent.state-dir=" + state.resolve("log-agent"),
        "platform.log-agent.kubeconfig="
            + state.resolve("kubeconfigs").resolve("room-1.kubeconfig"),
        "platform.log-agent.shipping.linger=100ms");
    logAgent.awaitReady();
    admin = login("admin", password);
    for (String room : ROOMS) {
      ok("POST", "/api/clusters/clusters", registration(room));
    }
    // workloads are placed on clusters whose probes found them healthy
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                ok("GET", "/api/clusters/clusters", null).split("\"reachable\":true", -1).length - 1
                    == ROOMS.size());
    ok(
        "POST",
        "/api/dns/zones",
        """
        {"name":"%s","serverHost":"127.0.0.1","serverPort":%d,"tsigKey":"platform-key",
         "defaultTtl":60}"""
            .formatted(ZONE, LocalInfra.BIND_PORT));
    // each room's registry, as the local platform registers them (after the zone their names
    // live in), and the platform tenant's images copied from room-1 to the others on each push
    for (int i = 0; i < ROOMS.size(); i++) {
      ok(
          "POST",
          "/api/builds/registries",
          """
          {"name":"%s","room":"%s","url":"http://127.0.0.1:%d","kind":"distribution"}"""
              .formatted(ROOMS.get(i), ROOMS.get(i), REGISTRY_PORTS.get(i)));
    }
    ok(
        "POST",
        "/api/builds/sync-policies",
        """
        {"name":"rooms","spec":{"source":"room-1","destinations":["room-2","room-3"],
         "trigger":"event","repositories":"*"}}""");
  }

  private void launch(ServiceProcess process, String... settings) throws IOException {
    processes.add(process.start(List.of(settings)));
  }

  private Session login(String username, String password) {
    return new Session(gateway.url(), username, () -> accessToken(username, password));
  }

  private String accessToken(String username, String password) {
    HttpResponse<String> login;
    try {
      login =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(gateway.url() + "/api/auth/login"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"username\":\"%s\",\"password\":\"%s\"}"
                              .formatted(username, password)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("login of " + username + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Matcher matcher = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(login.body());
    assertThat(matcher.find()).as("login of " + username + ": " + login.body()).isTrue();
    return matcher.group(1);
  }

  private String registration(String room) throws IOException {
    String kubeconfig =
        Files.readString(state.resolve("kubeconfigs").resolve(room + ".kubeconfig"))
            .replace("\\", "\\\\")
            .replace("\"", "\\\"")
            .replace("\n", "\\n")
            .replace("\r", "");
    return "{\"name\":\"%s\",\"machineRoom\":\"hall-%s\",\"kubeconfig\":\"%s\"}"
        .formatted(room, room, kubeconfig);
  }

  private Path signingKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Path file = state.resolve("signing-key.pem");
    Files.writeString(file, pem);
    return file;
  }

  /** The orchestrator's client secret at the gateway, made once per run. */
  private Path serviceSecret() throws IOException {
    Path file = state.resolve("app-orchestrator-secret");
    if (!Files.exists(file)) {
      Files.writeString(file, HexFormat.of().formatHex(new SecureRandom().generateSeed(24)));
    }
    return file;
  }

  private static String randomKey() {
    return Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
  }

  private static String tsigSecret() throws IOException {
    Matcher matcher =
        Pattern.compile("secret \"([^\"]+)\"")
            .matcher(Files.readString(LocalInfra.projectRoot().resolve("scripts/infra/tsig.key")));
    assertThat(matcher.find()).as("scripts/infra/tsig.key holds a secret").isTrue();
    return matcher.group(1);
  }

  private String database(String service) {
    return "e2e_" + run + "_" + service;
  }

  private String jdbcUrl(String service) {
    return LocalInfra.jdbcUrl(database(service));
  }

  private void stop() {
    processes.forEach(ServiceProcess::close);
    try (var connection =
            DriverManager.getConnection(LocalInfra.jdbcUrl(""), "platform", "platform");
        var statement = connection.createStatement()) {
      for (String service : DATABASES) {
        statement.execute("DROP DATABASE IF EXISTS `" + database(service) + "`");
      }
    } catch (SQLException e) {
      System.err.println("e2e databases not dropped: " + e.getMessage());
    }
  }
}
