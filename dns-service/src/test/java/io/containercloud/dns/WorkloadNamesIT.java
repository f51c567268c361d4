package io.containercloud.dns;

import static io.containercloud.dns.DnsFixture.ADMIN;
import static io.containercloud.dns.DnsFixture.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.EndpointsChanged;
import io.containercloud.common.event.contract.RoomRegistry;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.time.Duration;
import java.util.List;
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

/**
 * Endpoint events ({@link EndpointsChanged}) and registry announcements ({@link RoomRegistry}) in
 * the shared definitions, published on Kafka by hand; the e2e module runs the real producers,
 * cluster-service and build-service.
 */
@ServiceIntegrationTest
class WorkloadNamesIT {

  private static final Duration LIMIT = Duration.ofSeconds(20);

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
  void theNamePointsAtTheReadyAddressesOfEveryClusterAndGoesWithTheLast() throws Exception {
    String app = "shop" + suffix();
    String name = "cart." + app + ".tenant-b." + DnsFixture.ZONE;
    CloudEvent room1 =
        endpoints("room-1", "tenant-b", app, "cart", List.of("10.20.0.1", "fd00::20"));
    publish(room1);
    publish(endpoints("room-2", "tenant-b", app, "cart", List.of("10.20.0.2")));
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

    // room-1 fails over: its addresses go; a redelivery of its first event changes nothing
    publish(endpoints("room-1", "tenant-b", app, "cart", List.of()));
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.20.0.2")));
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.AAAA).isEmpty());
    publish(room1);
    awaitProcessed(room1.id());
    assertThat(answer(name, DnsFixture.A)).containsExactly("10.20.0.2");

    // undeployed: the last cluster empties, the name goes
    publish(endpoints("room-2", "tenant-b", app, "cart", List.of()));
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).isEmpty());
  }

  @Test
  void manualRecordIsNeverTouchedByAutomaticNames() throws Exception {
    String app = "pay" + suffix();
    String name = "api." + app + ".tenant-a." + DnsFixture.ZONE;
    long id =
        dns.create(TestTokens.token("ops", "tenant-a", Role.TENANT_ADMIN), name, "A", "10.99.0.1");
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.99.0.1")));

    CloudEvent placed = endpoints("room-1", "tenant-a", app, "api", List.of("10.40.0.1"));
    publish(placed);
    awaitProcessed(placed.id());
    CloudEvent emptied = endpoints("room-1", "tenant-a", app, "api", List.of());
    publish(emptied);
    awaitProcessed(emptied.id());

    assertThat(answer(name, DnsFixture.A)).containsExactly("10.99.0.1");
    assertThat(dns.send("GET", "/records/" + id, ADMIN, null).body())
        .contains("\"owner\":\"manual\"")
        .contains("\"values\":[\"10.99.0.1\"]")
        .contains("\"version\":1");
  }

  @Test
  void malformedEventsAreSkippedAndLaterOnesStillHandled() throws Exception {
    producer
        .send(new ProducerRecord<>(TestKafka.topic(Topic.ENDPOINT_EVENTS), "junk", "{not json"))
        .get();
    String app = "ok" + suffix();
    publish(endpoints("room-1", "tenant-b", "Bad;Label", "x", List.of("10.0.0.1")));
    publish(endpoints("room-1", "tenant-b", app, "web", List.of("not-an-ip")));
    publish(endpoints("room-1", "tenant-b", app, "web", List.of("10.50.0.1")));
    await()
        .atMost(LIMIT)
        .until(
            () ->
                answer("web." + app + ".tenant-b." + DnsFixture.ZONE, DnsFixture.A)
                    .equals(List.of("10.50.0.1")));
  }

  @Test
  void eachRoomsRegistryGetsItsNameWhileItIsRegistered() throws Exception {
    String room = "room-" + suffix();
    String name = "registry." + room + "." + DnsFixture.ZONE;
    RoomRegistry byAddress = new RoomRegistry(room, room, "10.60.0.7:5000", name);
    publishImageEvent(RoomRegistry.REGISTERED, byAddress);
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).equals(List.of("10.60.0.7")));
    assertThat(dns.send("GET", "/records?owner=registry:" + room, ADMIN, null).body())
        .contains("\"type\":\"A\"");

    // registered again by host name: a CNAME to it, and no address left beside it
    RoomRegistry byHost = new RoomRegistry(room, room, "harbor-7.corp.example", name);
    publishImageEvent(RoomRegistry.REGISTERED, byHost);
    await()
        .atMost(LIMIT)
        .until(() -> answer(name, DnsFixture.CNAME).equals(List.of("harbor-7.corp.example.")));
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.A).isEmpty());

    // a name outside every managed zone is refused and holds up nothing after it
    publishImageEvent(
        RoomRegistry.REGISTERED,
        new RoomRegistry("elsewhere", "elsewhere", "10.60.0.8", "registry.elsewhere.example"));
    publishImageEvent(RoomRegistry.REMOVED, byHost);
    await().atMost(LIMIT).until(() -> answer(name, DnsFixture.CNAME).isEmpty());
    assertThat(dns.send("GET", "/records?owner=registry:elsewhere", ADMIN, null).body())
        .doesNotContain("registry.elsewhere.example");
  }

  private void publishImageEvent(EventType type, RoomRegistry registry) throws Exception {
    CloudEvent event =
        CloudEvent.of(
            "/build-service", type, registry.key(), "platform", json.valueToTree(registry));
    producer
        .send(
            new ProducerRecord<>(
                TestKafka.topic(Topic.IMAGE_EVENTS), registry.key(), event.toJson(json)))
        .get();
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

  private CloudEvent endpoints(
      String cluster, String tenant, String app, String service, List<String> addresses) {
    EndpointsChanged data = new EndpointsChanged(cluster, tenant, service, app, addresses);
    return CloudEvent.of(
        "/cluster-service", EndpointsChanged.TYPE, data.key(), tenant, json.valueToTree(data));
  }

  private void publish(CloudEvent event) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                TestKafka.topic(Topic.ENDPOINT_EVENTS), event.subject(), event.toJson(json)))
        .get();
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 6);
  }
}
