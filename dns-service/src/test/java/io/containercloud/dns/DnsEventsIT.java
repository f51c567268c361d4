package io.containercloud.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.event.Topic;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestKafka;
import io.containercloud.common.testing.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@ServiceIntegrationTest
class DnsEventsIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @AfterEach
  void cleanUp() {
    DnsFixture.cleanUp(jdbc);
  }

  @Test
  void everyChangeIsPublishedOnDnsEvents() {
    DnsFixture dns = new DnsFixture(port);
    dns.ensureZone();
    String token = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
    String name = DnsFixture.uniqueName("evt");
    List<String> mine = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = TestKafka.consumerAtEnd(Topic.DNS_EVENTS)) {
      long id = dns.create(token, name, "A", "10.70.0.1");
      dns.send("PUT", "/records/" + id, token, "{\"values\": [\"10.70.0.2\"]}");
      dns.send("DELETE", "/records/" + id, token, null);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (r.value().contains("\"name\":\"" + name + "\"")) {
                            mine.add(
                                r.value().replaceAll(".*\"type\":\"(dns\\.[a-z.-]+)\".*", "$1"));
                          }
                        });
                return mine.size() >= 3;
              });
    }
    assertThat(mine)
        .containsExactly(
            "dns.record-set.created", "dns.record-set.updated", "dns.record-set.deleted");
  }
}
