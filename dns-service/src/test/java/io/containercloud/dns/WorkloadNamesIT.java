package io.containercloud.dns;

import static io.containercloud.dns.DnsFixture.ADMIN;
import static io.containercloud.dns.DnsFixture.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Workload events published on Kafka, as cluster-service and app-orchestrator will. */
@ServiceIntegrationTest
class WorkloadNamesIT {

  private static final Duration LIMIT = Duration.ofSeconds(20);

  // the event types these tests publish, as the producing services name them
  private static final EventType PLACED = () -> "workload.placed";
  private static final EventType DELETED = () -> "workload.deleted";
  private static final EventType APP_DEPLOYED = () -> "app.service.deployed";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;
  DnsFixture dns;
  KafkaProducer<String, String> producer;

  @BeforeEach
  void setUp() {
    dns = new DnsFixture(port);
    dns.ensureZone();
    producer = TestKafka.producer();
  }

  @AfterEach
  void tearDown() {
    producer.close();
    DnsFixture.cleanUp(jdbc);
  }

  @Test
  void placementCreatesTheNameAndDeletionRemovesIt() throws Exception {
    String app = "shop" + suffix();
    String name = "cart." + app + ".tenant-b." + DnsFixture.ZONE;
    CloudEvent placed =
        event(PLACED, "tenant-b", app, "cart", List.of("10.20.0.1", "10.20.0.2", "fd00::20"));
    publish(Topic.CLUSTER_EVENTS, placed);
    await()
        .atMost(LIMIT)
        .until(() -> answer(name, DnsFixture.A).equals(List.of("10.20.0.1", "10.20.0.2")));
    await()
        .atMost(LIMIT)
        .until(() -> answer(name, DnsFixture.AAAA).equals(List.of("fd00:0:0:0:0:0:0:20")));
    assertThat(
            dns.send("GET", "/records?owner=workload:tenant-b/" + app + "/cart", ADMIN, null)
                .body())
        .contains("\"owner\":\"workload:tenant-b/" + app + "/cart\"")
        .contains("\"tenant\":\"tenant-b\"");

    // a migration moves the name; a redelivery of the first event changes nothing
    publish(Topic.CLUSTER_EVENTS, event(PLACED, "tenant-b", app, "cart", List.of("10.20.1.1")));
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.20.1.1")));
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.AAAA).isEmpty());
    publish(Topic.CLUSTER_EVENTS, placed);
    awaitProcessed(placed.id());

    publish(Topic.CLUSTER_EVENTS, event(DELETED, "tenant-b", app, "cart", List.of()));
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).isEmpty());
    assertThat(answer(name, DnsFixture.A)).isEmpty();
  }

  @Test
  void appEventsNameServicesToo() throws Exception {
    String app = "crm" + suffix();
    publish(Topic.APP_EVENTS, event(APP_DEPLOYED, "tenant-c", app, "api", List.of("10.30.0.9")));
    await()
        .atMost(LIMIT)
        .until(
            () ->
                answer("api." + app + ".tenant-c." + DnsFixture.ZONE, DnsFixture.A)
                    .equals(List.of("10.30.0.9")));
  }

  @Test
  void manualRecordIsNeverTouchedByAutomaticNames() throws Exception {
    String app = "pay" + suffix();
    String name = "api." + app + ".tenant-a." + DnsFixture.ZONE;
    long id =
        dns.create(TestTokens.token("ops", "tenant-a", Role.TENANT_ADMIN), name, "A", "10.99.0.1");
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.99.0.1")));

    CloudEvent placed = event(PLACED, "tenant-a", app, "api", List.of("10.40.0.1"));
    publish(Topic.CLUSTER_EVENTS, placed);
    awaitProcessed(placed.id());
    CloudEvent deleted = event(DELETED, "tenant-a", app, "api", List.of());
    publish(Topic.CLUSTER_EVENTS, deleted);
    awaitProcessed(deleted.id());

    assertThat(answer(name, DnsFixture.A)).containsExactly("10.99.0.1");
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body())
        .contains("\"owner\":\"manual\"")
        .contains("\"values\":[\"10.99.0.1\"]")
        .contains("\"version\":1");
  }

  @Test
  void malformedEventsAreSkippedAndLaterOnesStillHandled() throws Exception {
    producer
        .send(new ProducerRecord<>(Topic.CLUSTER_EVENTS.topicName(), "junk", "{not json"))
        .get();
    String app = "ok" + suffix();
    publish(Topic.CLUSTER_EVENTS, event(PLACED, "tenant-b", "Bad;Label", "x", List.of("10.0.0.1")));
    publish(Topic.CLUSTER_EVENTS, event(PLACED, "tenant-b", app, "web", List.of("10.50.0.1")));
    await()
        .atMost(LIMIT)
        .until(
            () ->
                answer("web." + app + ".tenant-b." + DnsFixture.ZONE, DnsFixture.A)
                    .equals(List.of("10.50.0.1")));
  }

  private void awaitProcessed(String eventId) {
    await()
        .atMost(LIMIT)
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT COUNT(*) FROM processed_event WHERE consumer = 'dns-workload-names' AND event_id = ?",
                        Integer.class,
                        eventId)
                    == 1);
  }

  private CloudEvent event(
      EventType type, String tenant, String app, String service, List<String> addresses) {
    Map<String, Object> data =
        Map.of("tenant", tenant, "application", app, "service", service, "addresses", addresses);
    return CloudEvent.of(
        "/cluster-service",
        type,
        tenant + "/" + app + "/" + service,
        tenant,
        json.valueToTree(data));
  }

  private void publish(Topic topic, CloudEvent event) throws Exception {
    producer
        .send(new ProducerRecord<>(topic.topicName(), event.subject(), event.toJson(json)))
        .get();
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 6);
  }
}
