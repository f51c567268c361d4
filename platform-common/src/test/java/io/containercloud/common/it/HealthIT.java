package io.containercloud.common.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ServiceIntegrationTest
class HealthIT {

  @LocalServerPort int port;

  @Test
  void readinessReflectsTheRealDatabaseEtcdAndElasticsearch() {
    HttpResponse<String> readiness =
        ServiceContract.get("http://127.0.0.1:" + port + "/actuator/health/readiness", null);
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body())
        .contains("\"db\":{\"status\":\"UP\"")
        .contains("\"etcd\":{\"status\":\"UP\"")
        .contains("\"elasticsearch\":{\"status\":\"UP\"");
  }

  @Test
  void metricsIncludeTheOutboxBacklog() {
    String metrics =
        ServiceContract.get("http://127.0.0.1:" + port + "/actuator/prometheus", null).body();
    assertThat(metrics).contains("platform_outbox_pending");
  }
}
