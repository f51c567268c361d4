package io.containercloud.logcenter.retention;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.common.testing.ServiceIntegrationTest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

@ServiceIntegrationTest
@TestPropertySource(
    properties = {"platform.logs.retention.keep=10d", "platform.logs.retention.tenants.rshort=2d"})
class RetentionIT {

  @Autowired ElasticsearchClient elasticsearch;
  @Autowired RetentionReconciler retention;

  @Test
  void deletesEachTenantsDailyIndicesOnceTheirDayIsOlderThanItsRetention() throws Exception {
    String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    String other = "rlong" + run;
    List<String> indices =
        List.of(
            "container-logs-rshort.2026.11.29",
            "container-logs-rshort.2026.11.30",
            "container-logs-" + other + ".2026.11.20",
            "container-logs-" + other + ".2026.11.23");
    for (String index : indices) {
      if (!elasticsearch.indices().exists(e -> e.index(index)).value()) {
        elasticsearch.indices().create(c -> c.index(index));
      }
    }

    List<String> expired = retention.expired(Instant.parse("2026-12-02T12:00:00Z"));

    // rshort keeps 2 days: 11-29 ended 2 d 12 h ago, 11-30 1 d 12 h ago; others keep 10 days
    assertThat(expired)
        .contains("container-logs-rshort.2026.11.29", "container-logs-" + other + ".2026.11.20")
        .doesNotContain(
            "container-logs-rshort.2026.11.30", "container-logs-" + other + ".2026.11.23");

    String today = ContainerLogIndex.name(other, Instant.now());
    elasticsearch.indices().create(c -> c.index(today));
    retention.reconcile();
    assertThat(exists("container-logs-" + other + ".2026.11.20")).isFalse();
    assertThat(exists(today)).isTrue();
  }

  private boolean exists(String index) throws Exception {
    return elasticsearch.indices().exists(e -> e.index(index)).value();
  }
}
