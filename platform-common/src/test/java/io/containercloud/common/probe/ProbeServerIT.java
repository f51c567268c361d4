package io.containercloud.common.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.ServiceContract;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/** A daemon without a web server, its readiness group holding one indicator the test turns. */
@SpringBootTest(
    classes = ProbeServerIT.Daemon.class,
    properties = {
      "spring.main.web-application-type=none",
      "platform.probes.port=0",
      "platform.probes.address=127.0.0.1",
      "management.endpoint.health.group.readiness.include=readinessState,drill"
    })
class ProbeServerIT {

  private static final AtomicReference<Status> DRILL = new AtomicReference<>(Status.UP);

  @Autowired ProbeServer probes;

  @Test
  void readinessAnswers503WhileAMemberIsDownAndLivenessStaysUp() {
    ServiceContract.assertProbesAndMetrics(probes.port());
    DRILL.set(Status.DOWN);
    try {
      HttpResponse<String> readiness = get("/actuator/health/readiness");
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.body()).contains("\"status\":\"DOWN\"");
      assertThat(readiness.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    } finally {
      DRILL.set(Status.UP);
    }
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
  }

  @Test
  void servesTheRegistryInPrometheusText() {
    HttpResponse<String> metrics = get("/actuator/prometheus");
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(metrics.body()).contains("jvm_threads_live_threads");
  }

  @Test
  void anythingElseIsAProblem() {
    for (String path :
        new String[] {"/actuator/health/nope", "/actuator/env", "/actuator/health/../env", "/"}) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      ServiceContract.assertProblem(response, "not-found");
    }
    HttpResponse<String> post =
        ServiceContract.send(
            HttpRequest.newBuilder(URI.create(url("/actuator/prometheus")))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    ServiceContract.assertProblem(post, "method-not-allowed");
  }

  private HttpResponse<String> get(String path) {
    return ServiceContract.get(url(path), null);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + probes.port() + path;
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Daemon {

    @Bean
    HealthIndicator drillHealthIndicator() {
      return () -> Health.status(DRILL.get()).build();
    }
  }
}
