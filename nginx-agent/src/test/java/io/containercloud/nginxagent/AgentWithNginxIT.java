package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestCertificates;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxagent.agent.Agent;
import io.containercloud.nginxagent.nginx.NginxControl;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.etcd.jetcd.Client;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Agents with real nginx processes (one prefix and address each) following the real etcd. */
class AgentWithNginxIT {

  private static final String[] HOSTS = {"127.0.0.11", "127.0.0.12"};
  private static final Duration INTERVAL = Duration.ofMillis(200);

  /** Long enough for a loaded 2-core machine; a passing run waits only as long as it must. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static final TestCertificates CERTIFICATES = new TestCertificates();

  private final Client etcd =
      Client.builder().endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT)).build();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Agent> agents = new ArrayList<>();
  private final List<TimedNginx> nginxes = new ArrayList<>();
  private final List<Path> prefixes = new ArrayList<>();
  private final List<HttpServer> backends = new ArrayList<>();
  private String cluster;
  private int port;
  private int backendA;
  private int backendB;

  @BeforeEach
  void twoHostsAndTwoBackends() throws Exception {
    cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
    port = FreePorts.pick();
    backendA = backend("A");
    backendB = backend("B");
    put(NginxKeys.cluster(cluster), NginxFixture.clusterJson(cluster));
    put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendA));
    put(NginxKeys.servers(cluster) + "shop", serverJson());
    for (int i = 0; i < HOSTS.length; i++) {
      prefixes.add(Files.createTempDirectory("nginx-agent-it"));
    }
    startAgents();
  }

  private void startAgents() {
    agents.clear();
    nginxes.clear();
    for (int i = 0; i < HOSTS.length; i++) {
      TimedNginx nginx = new TimedNginx(prefixes.get(i));
      nginxes.add(nginx);
      agents.add(
          NginxFixture.startAgent(etcd, cluster, "host-" + (i + 1), HOSTS[i], INTERVAL, nginx));
    }
  }

  @AfterEach
  void stopEverything() {
    agents.forEach(Agent::stop);
    backends.forEach(b -> b.stop(0));
    TestEtcd.removeNginxCluster(etcd, cluster);
    etcd.close();
  }

  private int backend(String answer) throws IOException {
    return backendOn(0, answer);
  }

  private int backendOn(int port, String answer) throws IOException {
    HttpServer server = NginxFixture.backend(port, answer);
    backends.add(server);
    return server.getAddress().getPort();
  }

  @Test
  void aChangeInEtcdIsServedByEveryNginx() throws Exception {
    awaitEveryHostAnswers("A");

    put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendB));

    awaitEveryHostAnswers("B");
    await().atMost(PATIENCE).until(() -> report("host-2").contains("\"lastError\":null"));
  }

  @Test
  void oneTenantsObjectThatNginxRefusesIsLeftOutAndEveryOtherChangeIsServed() throws Exception {
    awaitEveryHostAnswers("A");
    int tlsPort = FreePorts.pick();
    TestCertificates.Issued issued =
        CERTIFICATES.issue(List.of("poison.example.com", HOSTS[0]), Duration.ofDays(30));

    // tenant b's server and certificate, whose key belongs to another certificate (etcd written
    // by hand: nginx-mgr would refuse it); nginx -t fails on it
    put(
        NginxKeys.certificates(cluster) + "b-cert",
        NginxFixture.certificateJson(
            cluster, "b-cert", "tenant-b", issued, TestCertificates.strayKey()));
    put(
        NginxKeys.servers(cluster) + "b-tls",
        tlsServerJson("b-tls", "tenant-b", "b-cert", tlsPort));
    // tenant a's change in the next revision
    put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendB));

    awaitEveryHostAnswers("B");
    await().atMost(PATIENCE).until(() -> report("host-1").contains("\"name\":\"b-tls\""));
    String report = report("host-1");
    assertThat(report)
        .contains("\"lastError\":null", "\"kind\":\"server\"", "\"tenant\":\"tenant-b\"")
        .containsIgnoringCase("key");
    for (String host : HOSTS) {
      assertThat(get(host)).isEqualTo("B");
    }

    // the tenant mends its object: it is served, and no longer reported
    put(
        NginxKeys.certificates(cluster) + "b-cert",
        NginxFixture.certificateJson(cluster, "b-cert", "tenant-b", issued, issued.key()));
    await()
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> "B".equals(https(HOSTS[0], tlsPort, issued)));
    await().atMost(PATIENCE).until(() -> !report("host-1").contains("\"name\":\"b-tls\""));
  }

  @Test
  void aManagedCertificateIsWrittenWithAnOwnerOnlyKeyAndServedOverTls() throws Exception {
    int tlsPort = FreePorts.pick();
    TestCertificates.Issued issued =
        CERTIFICATES.issue(List.of("shop.example.com", HOSTS[0]), Duration.ofDays(30));
    put(
        NginxKeys.certificates(cluster) + "shop-cert",
        NginxFixture.certificateJson(cluster, "shop-cert", "tenant-a", issued, issued.key()));
    put(
        NginxKeys.servers(cluster) + "shop-tls",
        tlsServerJson("shop-tls", "tenant-a", "shop-cert", tlsPort));

    await()
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> "A".equals(https(HOSTS[0], tlsPort, issued)));
    try (var keys = Files.list(prefixes.get(0).resolve("certs"))) {
      Path key = keys.filter(f -> f.toString().endsWith(".key")).findFirst().orElseThrow();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aMemberWhoseNameDoesNotResolveIsLeftOutAndReported() throws Exception {
    awaitEveryHostAnswers("A");

    put(
        NginxKeys.upstreams(cluster) + "shop",
        NginxFixture.upstreamJson("shop", backendB)
            .replace(
                "\"members\":[",
                "\"members\":[{\"host\":\"xn--e1afmkfd.xn--p1ai\",\"port\":8080},"));

    awaitEveryHostAnswers("B");
    await()
        .atMost(PATIENCE)
        .until(() -> report("host-1").contains("\"xn--e1afmkfd.xn--p1ai:8080\":\"unresolved\""));
    assertThat(report("host-1")).contains("\"lastError\":null");
  }

  @Test
  void afterAnEtcdOutageTheAgentsEndOnTheLatestRevision() throws Exception {
    awaitEveryHostAnswers("A");

    LocalInfra.stop("etcd", LocalInfra.ETCD_PORT);
    try {
      for (String host : HOSTS) {
        assertThat(get(host)).as("nginx serves on while etcd is away").isEqualTo("A");
      }
    } finally {
      LocalInfra.start("etcd");
    }
    put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendB));

    awaitEveryHostAnswers("B");
  }

  @Test
  void aBurstOfWritesReloadsAtMostOncePerIntervalAndEndsOnTheLastState() throws Exception {
    awaitEveryHostAnswers("A");
    long started = System.nanoTime();

    for (int i = 0; i < 1_000; i++) {
      put(
          NginxKeys.upstreams(cluster) + "shop",
          NginxFixture.upstreamJson("shop", i % 2 == 0 ? backendA : backendB));
    }

    awaitEveryHostAnswers("B");
    // the order, not a rate: a reload starts an interval after the previous one ended, so
    // consecutive starts are never closer than the interval (less the pause's rounding to a
    // millisecond), however slow the machine; how many reloads a burst takes is the benchmark's
    for (TimedNginx nginx : nginxes) {
      List<Long> reloads = nginx.reloadsSince(started);
      assertThat(reloads).as("reloads of the burst").isNotEmpty();
      for (int i = 1; i < reloads.size(); i++) {
        assertThat(Duration.ofNanos(reloads.get(i) - reloads.get(i - 1)))
            .as("time between reloads %d and %d", i - 1, i)
            .isGreaterThanOrEqualTo(INTERVAL.minusMillis(5));
      }
    }
  }

  @Test
  void aFailingMemberIsTakenOutWhileRequestsSucceedAndReturnsWhenItRecovers() throws Exception {
    int second = backend("A");
    put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendA, second));
    awaitEveryHostAnswers("A");
    HttpServer secondServer = backends.get(backends.size() - 1);

    secondServer.stop(0);
    for (int i = 0; i < 20; i++) {
      assertThat(get(HOSTS[0])).isEqualTo("A");
    }
    await()
        .atMost(PATIENCE)
        .until(() -> report("host-1").contains("\"127.0.0.1:" + second + "\":\"down\""));
    assertThat(get(HOSTS[0])).isEqualTo("A");

    backendOn(second, "A");
    await()
        .atMost(PATIENCE)
        .until(() -> report("host-1").contains("\"127.0.0.1:" + second + "\":\"up\""));
  }

  @Test
  void withEtcdDownAtStartNginxServesTheLastGoodConfiguration() throws Exception {
    awaitEveryHostAnswers("A");
    agents.forEach(Agent::stop); // nginx stops with them here

    LocalInfra.stop("etcd", LocalInfra.ETCD_PORT);
    try {
      startAgents();
      awaitEveryHostAnswers("A");
    } finally {
      LocalInfra.start("etcd");
    }
  }

  private void awaitEveryHostAnswers(String body) {
    NginxFixture.awaitEveryNginxAnswers(http, List.of(HOSTS), port, body);
  }

  private String get(String host) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private String report(String host) throws Exception {
    return NginxFixture.report(etcd, cluster, host);
  }

  private String serverJson() {
    return """
        {"name":"shop","tenant":"tenant-a","serverNames":["shop.example.com"],
         "listen":[{"port":%d}],"locations":[{"path":"/","match":"prefix","upstream":"shop"}]}"""
        .formatted(port);
  }

  private static String tlsServerJson(String name, String tenant, String certificate, int port) {
    return """
        {"name":"%s","tenant":"%s","serverNames":["%s.example.com"],
         "listen":[{"port":%d,"ssl":true}],"tls":{"certificate":"%s"},
         "locations":[{"path":"/","match":"prefix","upstream":"shop"}]}"""
        .formatted(name, tenant, name, port, certificate);
  }

  /** A GET over TLS that trusts only the test CA. */
  private static String https(String host, int port, TestCertificates.Issued issued)
      throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(issued.ca().getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustManagers.getTrustManagers(), null);
    HttpClient client =
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
    return client
        .send(
            HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + "/"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A real nginx whose reloads are timed on the monotonic clock. */
  private static final class TimedNginx implements NginxControl {

    private final NginxProcess nginx;
    private final List<Long> reloads = new CopyOnWriteArrayList<>();

    TimedNginx(Path prefix) {
      this.nginx = new NginxProcess(Path.of("/usr/sbin/nginx"), prefix);
    }

    /** When each reload since {@code nanos} ({@link System#nanoTime}) started, in order. */
    List<Long> reloadsSince(long nanos) {
      return reloads.stream().filter(t -> t - nanos >= 0).toList();
    }

    @Override
    public void reload() {
      reloads.add(System.nanoTime());
      nginx.reload();
    }

    @Override
    public Path prefix() {
      return nginx.prefix();
    }

    @Override
    public Path config() {
      return nginx.config();
    }

    @Override
    public Optional<String> test(Path candidate) {
      return nginx.test(candidate);
    }

    @Override
    public void ensureRunning() {
      nginx.ensureRunning();
    }

    @Override
    public void stop() {
      nginx.stop();
    }

    @Override
    public String version() {
      return nginx.version();
    }

    @Override
    public Optional<Long> pid() {
      return nginx.pid();
    }
  }

  private void put(String key, String value) throws Exception {
    etcd.getKVClient().put(NginxFixture.bytes(key), NginxFixture.bytes(value)).get();
  }
}
