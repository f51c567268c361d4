package io.containercloud.nginxmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The switch and its events, container members from endpoint events, and convergence. */
@ServiceIntegrationTest
class NginxSwitchIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String OPS = TestTokens.token("olga", "tenant-a", Role.DEVELOPER);

  @LocalServerPort int port;
  @Autowired Client etcd;

  private NginxApi api;
  private String cluster;
  private String service;

  @BeforeEach
  void anUpstreamWithBothGroups() {
    api = new NginxApi(port);
    cluster = "edge-" + UUID.randomUUID().toString().substring(0, 8);
    service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(
            api.send("POST", "/clusters", ADMIN, null, NginxApi.clusterJson(cluster, "1.24.0"))
                .statusCode())
        .isEqualTo(201);
    String upstream =
        NginxApi.upstreamJson("shop")
            .replace("\"shop-api\"", "\"" + service + "\"")
            .replace("\"port\":8080}", "\"port\":8080,\"members\":[\"6.6.6.6\"]}");
    HttpResponse<String> created =
        api.send("POST", "/clusters/" + cluster + "/upstreams", OPS, null, upstream);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body())
        .as("members come from endpoint events only")
        .doesNotContain("6.6.6.6");
  }

  @AfterEach
  void removeTheClusterAndTheServicesEndpoints() {
    TestEtcd.removeNginxCluster(etcd, cluster);
    TestEtcd.removeEndpoints(etcd, "room-1/shop/" + service);
  }

  @Test
  void aSwitchAnswersTheNewStateAndIsAnnouncedWithWhoDidIt() {
    try (KafkaConsumer<String, String> events = TestKafka.consumerAtEnd(Topic.NGINX_EVENTS)) {
      HttpResponse<String> switched = flip("{\"active\":\"vm\"}");
      assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
      assertThat(switched.body()).contains("\"active\":\"vm\"");

      String event = awaitEvent(events, cluster + "/shop");
      assertThat(event)
          .contains("nginx.upstream.switched", "\"by\":\"olga\"", "\"from\":\"both\"")
          .contains("\"to\":\"vm\"", "\"tenant\":\"tenant-a\"");
    }
    assertThat(api.send("GET", "/clusters/" + cluster + "/upstreams/shop", OPS, null, null).body())
        .contains("\"active\":\"vm\"");
  }

  @Test
  void aSwitchToAGroupTheUpstreamLacksIsRefusedAndChangesNothing() {
    String vmOnly =
        NginxApi.upstreamJson("vm-only")
            .replace("\"active\":\"both\"", "\"active\":\"vm\"")
            .replaceAll(",\\s*\"container\":\\{[^}]*\\}", "");
    assertThat(
            api.send("POST", "/clusters/" + cluster + "/upstreams", OPS, null, vmOnly).statusCode())
        .isEqualTo(201);

    HttpResponse<String> refused =
        api.send(
            "POST",
            "/clusters/" + cluster + "/upstreams/vm-only/switch",
            OPS,
            null,
            "{\"active\":\"container\"}");

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("group-missing", "active");
    assertThat(
            api.send("GET", "/clusters/" + cluster + "/upstreams/vm-only", OPS, null, null).body())
        .contains("\"active\":\"vm\"");
  }

  @Test
  void eventsWrittenWhileKafkaIsDownArriveOnceItReturns() {
    try (KafkaConsumer<String, String> events = TestKafka.consumerAtEnd(Topic.NGINX_EVENTS)) {
      LocalInfra.stop("kafka", LocalInfra.KAFKA_PORT);
      try {
        assertThat(flip("{\"active\":\"container\"}").statusCode()).isEqualTo(200);
        assertThat(flip("{\"active\":\"vm\"}").statusCode()).isEqualTo(200);
      } finally {
        LocalInfra.start("kafka");
      }
      List<String> received = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : events.poll(Duration.ofMillis(500))) {
                  if ((cluster + "/shop").equals(r.key())) {
                    received.add(r.value());
                  }
                }
                return received.size() >= 2;
              });
      assertThat(received.get(0)).contains("\"to\":\"container\"");
      assertThat(received.get(1)).contains("\"to\":\"vm\"");
    }
  }

  @Test
  void containerMembersFollowEndpointEvents() {
    String key = "room-1/shop/" + service;
    try (KafkaProducer<String, String> producer = TestKafka.producer()) {
      producer.send(
          new ProducerRecord<>(
              TestKafka.topic(Topic.ENDPOINT_EVENTS), key, endpoints("10.1.0.2", "10.1.0.1")));
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> upstream().contains("\"members\":[\"10.1.0.1\",\"10.1.0.2\"]"));
      assertThat(TestEtcd.endpoints(etcd, key))
          .hasValueSatisfying(v -> assertThat(v).contains("10.1.0.1"));

      producer.send(new ProducerRecord<>(TestKafka.topic(Topic.ENDPOINT_EVENTS), key, null));
      producer.flush();
      await().atMost(Duration.ofSeconds(30)).until(() -> upstream().contains("\"members\":[]"));
    }
    assertThat(TestEtcd.endpoints(etcd, key))
        .as("a service without addresses keeps no key")
        .isEmpty();
  }

  @Test
  void aMalformedEventAmongOthersIsSkippedAndTheLastOfTheServiceCounts() {
    String key = "room-1/shop/" + service;
    String topic = TestKafka.topic(Topic.ENDPOINT_EVENTS);
    try (KafkaProducer<String, String> producer = TestKafka.producer()) {
      producer.send(new ProducerRecord<>(topic, key, endpoints("10.1.0.3")));
      producer.send(new ProducerRecord<>(topic, key, "{not an event"));
      producer.send(new ProducerRecord<>(topic, "room-1/no-such-key", null));
      producer.send(new ProducerRecord<>(topic, key, endpoints("10.1.0.5", "10.1.0.4")));
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> upstream().contains("\"members\":[\"10.1.0.4\",\"10.1.0.5\"]"));
    }
    assertThat(TestEtcd.endpoints(etcd, key))
        .hasValueSatisfying(v -> assertThat(v).contains("10.1.0.4").doesNotContain("10.1.0.3"));
  }

  @Test
  void anUpstreamCreatedAfterTheEventsStartsWithTheServicesMembers() {
    String key = "room-1/shop/" + service;
    try (KafkaProducer<String, String> producer = TestKafka.producer()) {
      producer.send(
          new ProducerRecord<>(TestKafka.topic(Topic.ENDPOINT_EVENTS), key, endpoints("10.1.0.9")));
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> upstream().contains("\"members\":[\"10.1.0.9\"]"));
    }
    String later =
        NginxApi.upstreamJson("later")
            .replace("\"shop-api\"", "\"" + service + "\"")
            .replace("\"port\":8080}", "\"port\":8080,\"members\":[\"6.6.6.6\"]}");
    HttpResponse<String> created =
        api.send("POST", "/clusters/" + cluster + "/upstreams", OPS, null, later);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).contains("\"members\":[\"10.1.0.9\"]").doesNotContain("6.6.6.6");
    String etag = created.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> read =
        api.send("GET", "/clusters/" + cluster + "/upstreams/later", OPS, null, null);
    assertThat(read.headers().firstValue("ETag"))
        .as("the answer names the final revision")
        .hasValue(etag);
  }

  @Test
  void theConvergenceViewShowsEachAgentAndItsError() throws Exception {
    long revision = etcdRevision();
    // host-1 pushes to its Lua balancer; host-2 is an agent from before it (no such fields)
    report(
        "host-1",
        revision,
        null,
        ",\"mode\":\"dynamic\",\"structuralRevision\":%d,\"pushedVersion\":7".formatted(revision));
    report("host-2", revision, "nginx: [emerg] cannot load certificate \\\"/certs/x.crt\\\"");

    String view = api.send("GET", "/clusters/" + cluster + "/convergence", OPS, null, null).body();

    assertThat(view).contains("\"converged\":false", "host-1", "host-2", "cannot load certificate");
    assertThat(view).contains("\"mode\":\"dynamic\"", "\"pushedVersion\":7");
    report("host-2", revision, null);
    assertThat(api.send("GET", "/clusters/" + cluster + "/convergence", OPS, null, null).body())
        .contains("\"converged\":true");
    assertThat(flip("{\"active\":\"vm\"}").statusCode()).isEqualTo(200);
    assertThat(api.send("GET", "/clusters/" + cluster + "/convergence", OPS, null, null).body())
        .as("a change the agents have not applied yet")
        .contains("\"converged\":false");
    String board = api.send("GET", "/clusters/" + cluster + "/switchboard", OPS, null, null).body();
    assertThat(board).contains("\"host-1\":{\"10.0.0.7:8080\":\"up\"}");
  }

  private HttpResponse<String> flip(String body) {
    return api.send("POST", "/clusters/" + cluster + "/upstreams/shop/switch", OPS, null, body);
  }

  private String upstream() {
    return api.send("GET", "/clusters/" + cluster + "/upstreams/shop", OPS, null, null).body();
  }

  private String endpoints(String... addresses) {
    return """
        {"specversion":"1.0","id":"%s","source":"test","type":"endpoints.changed",
         "time":"2026-01-01T00:00:00Z","subject":"room-1/shop/%s","tenant":"tenant-a",
         "datacontenttype":"application/json",
         "data":{"cluster":"room-1","namespace":"shop","service":"%s","addresses":["%s"]}}"""
        .formatted(UUID.randomUUID(), service, service, String.join("\",\"", addresses));
  }

  private void report(String host, long revision, String error) throws Exception {
    report(host, revision, error, "");
  }

  private void report(String host, long revision, String error, String more) throws Exception {
    String json =
        """
        {"host":"%s","appliedRevision":%d,"appliedAt":"2026-11-25T10:00:00Z",
         "nginxVersion":"1.22.1","lastError":%s,"health":{"shop":{"10.0.0.7:8080":"up"}}%s}"""
            .formatted(host, revision, error == null ? "null" : "\"" + error + "\"", more);
    etcd.getKVClient()
        .put(
            ByteSequence.from("/nginx/v1/agents/" + cluster + "/" + host, StandardCharsets.UTF_8),
            ByteSequence.from(json, StandardCharsets.UTF_8))
        .get();
  }

  private long etcdRevision() throws Exception {
    return etcd.getKVClient()
        .get(ByteSequence.from("/nginx/v1/", StandardCharsets.UTF_8))
        .get()
        .getHeader()
        .getRevision();
  }

  private static String awaitEvent(KafkaConsumer<String, String> events, String key) {
    List<String> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> r : events.poll(Duration.ofMillis(500))) {
                if (key.equals(r.key())) {
                  found.add(r.value());
                }
              }
              return !found.isEmpty();
            });
    return found.get(0);
  }
}
