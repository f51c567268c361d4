package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestCertificates;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxagent.agent.Agent;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path: nginx-mgr's API (its packaged jar) -> etcd -> two agents -> two real nginx, for a
 * change of the VM group, for container members arriving as endpoint events, and for the switch
 * from VM to container.
 */
class ApiToEveryNginxIT {

  private static final String[] HOSTS = {"127.0.0.31", "127.0.0.32"};
  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String DEV_B = TestTokens.token("bob", "tenant-b", Role.DEVELOPER);

  private final Client etcd =
      Client.builder().endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT)).build();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Agent> agents = new ArrayList<>();
  private final List<HttpServer> backends = new ArrayList<>();
  private final String cluster = "api-" + UUID.randomUUID().toString().substring(0, 8);
  private final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
  private NginxMgrProcess mgr;

  @AfterEach
  void stopEverything() {
    agents.forEach(Agent::stop);
    backends.forEach(b -> b.stop(0));
    if (mgr != null) {
      mgr.close();
    }
    TestEtcd.removeNginxCluster(etcd, cluster);
    TestEtcd.removeEndpoints(etcd, "room-1/shop/" + service);
    etcd.close();
  }

  @Test
  void changesThroughTheApiReachEveryNginxIncludingTheSwitchToContainers() throws Exception {
    mgr = new NginxMgrProcess().ready();
    int port = NginxFixture.freePort();
    int vmA = backend("vm-A");
    int vmB = backend("vm-B");
    int container = backend("container");
    mgr.send("POST", "/clusters", ADMIN, null, NginxFixture.clusterJson(cluster));
    String etag =
        mgr.send(
            "POST",
            "/clusters/" + cluster + "/upstreams",
            DEV,
            null,
            upstream(vmA, service, container));
    mgr.send("POST", "/clusters/" + cluster + "/servers", DEV, null, NginxFixture.serverJson(port));
    for (int i = 0; i < HOSTS.length; i++) {
      startAgent(cluster, "host-" + (i + 1), HOSTS[i]);
    }
    awaitEveryNginxAnswers(port, "vm-A");

    mgr.send(
        "PUT",
        "/clusters/" + cluster + "/upstreams/shop",
        DEV,
        etag,
        upstream(vmB, service, container));
    awaitEveryNginxAnswers(port, "vm-B");

    try (KafkaProducer<String, String> producer = TestKafka.producer()) {
      producer.send(
          new ProducerRecord<>(
              TestKafka.topic(Topic.ENDPOINT_EVENTS),
              "room-1/shop/" + service,
              """
              {"specversion":"1.0","id":"%s","source":"test","type":"endpoints.changed",
               "time":"2026-01-01T00:00:00Z","subject":"room-1/shop/%s","tenant":"tenant-a",
               "datacontenttype":"application/json",
               "data":{"cluster":"room-1","namespace":"shop","service":"%s",
                       "addresses":["127.0.0.1"]}}"""
                  .formatted(UUID.randomUUID(), service, service)));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> mgrGet("/clusters/" + cluster + "/upstreams/shop").contains("127.0.0.1\"]"));
    mgr.send(
        "POST",
        "/clusters/" + cluster + "/upstreams/shop/switch",
        DEV,
        null,
        "{\"active\":\"container\"}");
    awaitEveryNginxAnswers(port, "container");

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> mgrGet("/clusters/" + cluster + "/convergence").contains("\"converged\":true"));
  }

  @Test
  void anObjectNginxRefusesShowsRejectedToItsTenantWhileAnotherTenantsChangeIsServed()
      throws Exception {
    mgr = new NginxMgrProcess().ready();
    int port = NginxFixture.freePort();
    int tlsPort = NginxFixture.freePort();
    int vmA = backend("vm-A");
    int vmB = backend("vm-B");
    mgr.send("POST", "/clusters", ADMIN, null, NginxFixture.clusterJson(cluster));
    String etag =
        mgr.send("POST", "/clusters/" + cluster + "/upstreams", DEV, null, upstream(vmA, "s", 1));
    mgr.send("POST", "/clusters/" + cluster + "/servers", DEV, null, NginxFixture.serverJson(port));
    TestCertificates.Issued issued =
        new TestCertificates().issue(List.of("b.example.com"), Duration.ofDays(30));
    mgr.send(
        "POST",
        "/clusters/" + cluster + "/certificates",
        DEV_B,
        null,
        "{\"name\":\"b-cert\",\"certificate\":\"%s\",\"key\":\"%s\"}"
            .formatted(issued.chain().replace("\n", "\\n"), issued.key().replace("\n", "\\n")));
    mgr.send(
        "POST",
        "/clusters/" + cluster + "/upstreams",
        DEV_B,
        null,
        upstream(vmB, "s", 1).replace("\"shop\"", "\"b-up\""));
    mgr.send(
        "POST",
        "/clusters/" + cluster + "/servers",
        DEV_B,
        null,
        """
        {"name":"b-tls","serverNames":["b.example.com"],"listen":[{"port":%d,"ssl":true}],
         "tls":{"certificate":"b-cert"},"locations":[{"path":"/","match":"prefix","upstream":"b-up"}]}"""
            .formatted(tlsPort));
    for (int i = 0; i < HOSTS.length; i++) {
      startAgent(cluster, "host-" + (i + 1), HOSTS[i]);
    }
    awaitEveryNginxAnswers(port, "vm-A");

    // tenant b's key replaced behind nginx-mgr's back: only nginx notices
    etcd.getKVClient()
        .put(
            NginxFixture.bytes(NginxKeys.certificates(cluster) + "b-cert"),
            NginxFixture.bytes(
                NginxFixture.certificateJson(
                    cluster, "b-cert", "tenant-b", issued, TestCertificates.strayKey())))
        .get();
    mgr.send("PUT", "/clusters/" + cluster + "/upstreams/shop", DEV, etag, upstream(vmB, "s", 1));

    awaitEveryNginxAnswers(port, "vm-B");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                mgr.get("/clusters/" + cluster + "/servers/b-tls", DEV_B)
                    .contains("\"state\":\"rejected\""));
    assertThat(mgr.get("/clusters/" + cluster + "/servers/b-tls", DEV_B))
        .contains("\"hosts\":[\"host-1\",\"host-2\"]")
        .containsIgnoringCase("key");
    assertThat(mgr.get("/clusters/" + cluster + "/convergence", ADMIN))
        .contains("\"converged\":false", "\"name\":\"b-tls\"");
    assertThat(mgr.get("/clusters/" + cluster + "/convergence", DEV)).doesNotContain("b-tls");
    assertThat(mgrGet("/clusters/" + cluster + "/servers/shop")).contains("\"state\":\"applied\"");
  }

  private String mgrGet(String path) throws Exception {
    return mgr.get(path, DEV);
  }

  private void startAgent(String cluster, String host, String address) throws Exception {
    agents.add(NginxFixture.startAgent(etcd, cluster, host, address, Duration.ofMillis(200)));
  }

  private void awaitEveryNginxAnswers(int port, String body) {
    NginxFixture.awaitEveryNginxAnswers(http, List.of(HOSTS), port, body);
  }

  private int backend(String answer) throws Exception {
    HttpServer server = NginxFixture.backend(0, answer);
    backends.add(server);
    return server.getAddress().getPort();
  }

  private static String upstream(int vmPort, String service, int containerPort) {
    return """
        {"name":"shop","balance":"round-robin","active":"vm",
         "vm":{"members":[{"host":"127.0.0.1","port":%d}]},
         "container":{"cluster":"room-1","namespace":"shop","service":"%s","port":%d},
         "healthCheck":{"interval":"1s","rise":1,"fall":3,"timeout":"1s","path":"/",
                        "expectedStatuses":[200]}}"""
        .formatted(vmPort, service, containerPort);
  }
}
