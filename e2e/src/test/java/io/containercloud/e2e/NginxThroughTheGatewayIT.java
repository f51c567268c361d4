package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.FreePorts;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * nginx-mgr to the nginx hosts and back: changes made through the gateway reach two nginx-agent
 * processes (the packaged jar) through etcd, each with its own real nginx on its own loopback
 * address; a container group is filled by cluster-service's {@code endpoints.changed} for a
 * workload deployed through the gateway; what nginx refuses comes back in the agents' reports and
 * is shown to its tenant only.
 */
class NginxThroughTheGatewayIT {

  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final Map<String, String> HOSTS =
      Map.of("host-1", "127.0.0.61", "host-2", "127.0.0.62");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static E2ePlatform platform;
  private static String cluster;
  private static final List<ServiceProcess> agents = new ArrayList<>();
  private static final List<Path> prefixes = new ArrayList<>();
  private static final List<HttpServer> backends = new ArrayList<>();

  /** What the tests made in nginx-mgr, newest first: removed in that order after the class. */
  private static final Deque<String> made = new ArrayDeque<>();

  private final String id = UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void aClusterAndTwoAgents() throws Exception {
    platform = E2ePlatform.get();
    cluster = "e2e-" + platform.run + "-agents";
    create(platform.admin(), "/clusters", cluster, NginxHost.clusterJson(cluster));
    for (var host : HOSTS.entrySet()) {
      Path prefix =
          Files.createDirectories(
              Path.of("target", "nginx-" + platform.run, host.getKey()).toAbsolutePath());
      prefixes.add(prefix);
      agents.add(platform.nginxAgent(cluster, host.getKey(), host.getValue(), prefix));
    }
    for (ServiceProcess agent : agents) {
      agent.awaitReady();
    }
  }

  @AfterAll
  static void removeEverything() throws IOException {
    agents.forEach(ServiceProcess::close); // each stops its nginx (stop-nginx-on-exit)
    for (Path prefix : prefixes) {
      Path pid = prefix.resolve("logs/nginx.pid");
      if (Files.exists(pid)) { // an agent that had to be killed left its nginx running
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
            .ifPresent(ProcessHandle::destroy);
      }
    }
    backends.forEach(b -> b.stop(0));
    while (!made.isEmpty()) {
      String path = "/api/nginx" + made.pop();
      platform.ok("DELETE", path, null, etag(platform.admin(), path));
    }
  }

  @Test
  void aVmChangeThenContainerMembersFromADeployThenTheSwitchReachEveryNginx() throws Exception {
    String workload = "edge-" + id;
    String upstream = "/clusters/" + cluster + "/upstreams/" + workload;
    Session admin = platform.admin();
    int port = FreePorts.pick();
    int vmA = backend("vm-A");
    int vmB = backend("vm-B");
    String etag =
        create(
            admin,
            "/clusters/" + cluster + "/upstreams",
            workload,
            upstreamWithContainers(workload, vmA));
    create(admin, "/clusters/" + cluster + "/servers", workload, server(workload, port));
    awaitEveryNginxAnswers(port, "vm-A");

    admin.okResponse("PUT", "/api/nginx" + upstream, upstreamWithContainers(workload, vmB), etag);
    awaitEveryNginxAnswers(port, "vm-B");

    // cluster-service announces the ready pods; nginx-mgr fills the container group with them
    platform.ok("POST", "/api/clusters/workloads", deployment(workload));
    HttpResponse<String> filled =
        await()
            .atMost(LIMIT)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> admin.okResponse("GET", "/api/nginx" + upstream, null, null),
                answer ->
                    !members(answer.body()).isEmpty() && "applied".equals(state(answer.body())));
    List<String> pods = members(filled.body());
    long revision = revision(filled);
    // both agents applied the revision that holds the pods; VM still serves, so none is rendered
    String convergence = admin.ok("GET", "/api/nginx/clusters/" + cluster + "/convergence", null);
    List<String> hosts = JsonPath.read(convergence, "$.agents[*].host");
    List<Number> applied = JsonPath.read(convergence, "$.agents[*].appliedRevision");
    assertThat(hosts).containsExactlyInAnyOrderElementsOf(HOSTS.keySet());
    assertThat(applied).allSatisfy(r -> assertThat(r.longValue()).isGreaterThanOrEqualTo(revision));
    for (Path prefix : prefixes) {
      String config = config(prefix);
      pods.forEach(pod -> assertThat(config).doesNotContain(pod + ":8080"));
    }

    // a switch needs no reload: each agent pushes the members to its nginx's Lua balancer
    admin.ok("POST", "/api/nginx" + upstream + "/switch", "{\"active\":\"container\"}", null);
    await()
        .atMost(LIMIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (Path prefix : prefixes) {
                String held = new NginxHost(prefix, null).held(workload);
                pods.forEach(pod -> assertThat(held).contains("\"host\":\"" + pod + "\""));
                assertThat(held).doesNotContain("\"port\":" + vmB);
              }
              assertThat(state(admin.ok("GET", "/api/nginx" + upstream, null)))
                  .isEqualTo("applied");
            });

    platform.ok("DELETE", "/api/clusters/workloads/platform/" + workload, null);
  }

  @Test
  void anObjectNginxRefusesIsRejectedToItsTenantOnlyWhileAnotherTenantsChangeIsServed()
      throws Exception {
    Session a = tenantDeveloper("a");
    Session b = tenantDeveloper("b");
    String shop = "shop-" + id;
    String broken = "broken-" + id;
    int port = FreePorts.pick();
    int vmA = backend("vm-A");
    int vmB = backend("vm-B");
    String etag = create(a, "/clusters/" + cluster + "/upstreams", shop, upstream(shop, vmA));
    create(a, "/clusters/" + cluster + "/servers", shop, server(shop, port));
    WeakCertificate certificate = WeakCertificate.issue(broken + ".example.com");
    create(
        b,
        "/clusters/" + cluster + "/certificates",
        broken,
        "{\"name\":\"%s\",\"certificate\":\"%s\",\"key\":\"%s\"}"
            .formatted(broken, json(certificate.chain()), json(certificate.key())));
    create(b, "/clusters/" + cluster + "/upstreams", broken, upstream(broken, vmB));
    create(b, "/clusters/" + cluster + "/servers", broken, tlsServer(broken, FreePorts.pick()));
    awaitEveryNginxAnswers(port, "vm-A");

    // tenant a's next change is served while tenant b's server stays out
    a.okResponse(
        "PUT", "/api/nginx/clusters/" + cluster + "/upstreams/" + shop, upstream(shop, vmB), etag);
    awaitEveryNginxAnswers(port, "vm-B");

    String server = "/api/nginx/clusters/" + cluster + "/servers/" + broken;
    await()
        .atMost(LIMIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> "rejected".equals(state(b.ok("GET", server, null))));
    String status = b.ok("GET", server, null);
    assertThat(JsonPath.<List<String>>read(status, "$.status.hosts"))
        .containsExactlyInAnyOrderElementsOf(HOSTS.keySet());
    assertThat(JsonPath.<String>read(status, "$.status.reason"))
        .containsIgnoringCase("key too small");
    String convergence = "/api/nginx/clusters/" + cluster + "/convergence";
    assertThat(b.ok("GET", convergence, null))
        .contains("\"converged\":false", "\"name\":\"" + broken + "\"");
    assertThat(platform.ok("GET", convergence, null)).contains("\"name\":\"" + broken + "\"");
    assertThat(a.ok("GET", convergence, null)).doesNotContain(broken);
    assertThat(a.send("GET", server, null).statusCode()).isEqualTo(404);
    assertThat(state(a.ok("GET", "/api/nginx/clusters/" + cluster + "/servers/" + shop, null)))
        .isEqualTo("applied");
  }

  /** A developer of a new tenant of this run, made through the gateway's admin API. */
  private Session tenantDeveloper(String name) {
    String tenant = "e2e-" + platform.run + "-" + name + "-" + id;
    platform.ok("POST", "/api/admin/tenants", "{\"name\":\"" + tenant + "\"}");
    return platform.newUser("dev-" + tenant, tenant, "developer");
  }

  /** Creates an nginx-mgr object as {@code session}; its ETag. */
  private static String create(Session session, String collection, String name, String json) {
    String etag =
        session
            .okResponse("POST", "/api/nginx" + collection, json, null)
            .headers()
            .firstValue("ETag")
            .orElseThrow();
    made.push(collection + "/" + name);
    return etag;
  }

  private static String etag(Session session, String path) {
    return session.send("GET", path, null).headers().firstValue("ETag").orElseThrow();
  }

  private static long revision(HttpResponse<String> answer) {
    return Long.parseLong(answer.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
  }

  /** An object's {@code status.state}: applied, pending, rejected or no-agents. */
  private static String state(String object) {
    return JsonPath.read(object, "$.status.state");
  }

  private static List<String> members(String upstream) {
    return JsonPath.read(upstream, "$.container.members");
  }

  private static String config(Path prefix) throws IOException {
    return Files.readString(prefix.resolve("conf/nginx.conf"));
  }

  /** Upstream {@code name}: one VM member on loopback, active. */
  private static String upstream(String name, int vmPort) {
    return upstream(name, vmPort, "");
  }

  /**
   * The same with a container group: the workload {@code name} in room-1, namespace {@code
   * platform} (the admin's tenant).
   */
  private static String upstreamWithContainers(String name, int vmPort) {
    return upstream(
        name,
        vmPort,
        """
        "container":{"cluster":"room-1","namespace":"platform","service":"%s","port":8080},"""
            .formatted(name));
  }

  private static String upstream(String name, int vmPort, String container) {
    return """
        {"name":"%s","balance":"round-robin","active":"vm",%s
         "vm":{"members":[{"host":"127.0.0.1","port":%d}]},
         "healthCheck":{"interval":"1s","rise":1,"fall":3,"timeout":"1s","path":"/",
                        "expectedStatuses":[200]}}"""
        .formatted(name, container, vmPort);
  }

  /** Server {@code name}: everything on {@code port} to the upstream of the same name. */
  private static String server(String name, int port) {
    return server(name, port, false, "");
  }

  /** The same over TLS with the managed certificate of the same name. */
  private static String tlsServer(String name, int port) {
    return server(name, port, true, "\"tls\":{\"certificate\":\"%s\"},".formatted(name));
  }

  private static String server(String name, int port, boolean ssl, String tls) {
    return """
        {"name":"%s","serverNames":["%s.example.com"],"listen":[{"port":%d,"ssl":%b}],%s
         "locations":[{"path":"/","match":"prefix","upstream":"%s"}]}"""
        .formatted(name, name, port, ssl, tls, name);
  }

  private static String deployment(String name) {
    return """
        {"name":"%s","image":"registry.example.com/shop/api:1.0","replicas":3,
         "spec":{"application":"shop","ports":[{"name":"http","port":8080}],
                 "resources":{"requests":{"cpu":"250m","memory":"256Mi"},
                              "limits":{"cpu":"500m","memory":"512Mi"}}}}"""
        .formatted(name);
  }

  private static String json(String text) {
    return text.replace("\n", "\\n");
  }

  /** Waits until a GET of / through every agent's nginx on {@code port} answers {@code body}. */
  private static void awaitEveryNginxAnswers(int port, String body) {
    await()
        .atMost(LIMIT)
        .ignoreExceptions()
        .until(
            () -> {
              for (String address : HOSTS.values()) {
                String answer =
                    HTTP.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://" + address + ":" + port + "/"))
                                .timeout(Duration.ofSeconds(3))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body();
                if (!body.equals(answer)) {
                  return false;
                }
              }
              return true;
            });
  }

  /** A backend on loopback answering {@code answer} to everything. */
  private static int backend(String answer) throws IOException {
    HttpServer server = NginxHost.backend(answer);
    backends.add(server);
    return server.getAddress().getPort();
  }

  /**
   * A self-signed certificate with a 512-bit RSA key. nginx-mgr checks the chain and that the key
   * belongs to it, not the key size the hosts' TLS library demands, so only nginx refuses it: "ee
   * key too small" at OpenSSL's security level 1 (the lowest default) and above.
   */
  private record WeakCertificate(String chain, String key) {

    static WeakCertificate issue(String dnsName) throws Exception {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(512);
      KeyPair keys = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + dnsName);
      var certificate =
          new JcaX509v3CertificateBuilder(
                  subject,
                  BigInteger.valueOf(now.toEpochMilli()),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(Duration.ofDays(30))),
                  subject,
                  keys.getPublic())
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)))
              .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
      return new WeakCertificate(pem(certificate), pem(keys.getPrivate()));
    }

    private static String pem(Object object) throws IOException {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(object);
      }
      return out.toString();
    }
  }
}
