package io.containercloud.nginxmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TcpGate;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.common.testing.TestTokens;
import io.containercloud.nginx.model.NginxKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * etcd cut in the middle of a write, through a TCP gate in front of it: the answer and what etcd
 * holds agree, and a retry with the same Idempotency-Key never writes twice.
 */
@ServiceIntegrationTest
// the gate stays open after the class: the context closes after @AfterAll and needs its store
@DirtiesContext
class EtcdCutIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final TcpGate GATE = gate();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @LocalServerPort int port;
  private final Client direct =
      Client.builder().endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT)).build();
  private String cluster;

  @DynamicPropertySource
  static void throughTheGate(DynamicPropertyRegistry registry) {
    registry.add("platform.etcd.endpoints", () -> "http://127.0.0.1:" + GATE.port());
    registry.add("spring.kafka.listener.auto-startup", () -> "false");
  }

  @BeforeEach
  void aCluster() {
    cluster = "cut-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        new NginxApi(port)
            .send("POST", "/clusters", ADMIN, null, NginxApi.clusterJson(cluster, "1.24.0"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @AfterEach
  void openAndClean() throws Exception {
    reopen();
    TestEtcd.removeNginxCluster(direct, cluster);
    direct
        .getKVClient()
        .delete(
            bytes(NginxKeys.ROOT + "idempotency/tenant-a/"),
            DeleteOption.builder().isPrefix(true).build())
        .get();
    direct.close();
  }

  @Test
  void aWriteCutMidwayIsAnswered503AndLeavesNothingAndItsRetryWritesOnce() throws Exception {
    GATE.freezeWhenClientSends("/nginx/v1/idempotency/"); // the write's own first read
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<String>> answer = create("cut-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> GATE.heldBytes() > 0);
    GATE.cut();

    HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("inside the gateway's route timeout")
        .isLessThan(9_000);
    reopen();
    assertThat(stored()).as("nothing written").isFalse();

    HttpResponse<String> retried = create("cut-1").get(30, TimeUnit.SECONDS);
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
    HttpResponse<String> again = create("cut-1").get(30, TimeUnit.SECONDS);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(again.body()).isEqualTo(retried.body());
  }

  @Test
  void aCommitTheServiceNeverHeardOfIsAnsweredByTheRetryAndNeverMadeTwice() throws Exception {
    // the marker's last member: the transaction carrying it has reached etcd whole
    GATE.cutAfterClientSends("\"method\":\"POST\"");

    HttpResponse<String> response = create("lost-1").get(30, TimeUnit.SECONDS);
    assertThat(GATE.trapped()).as("the transaction went through the gate").isTrue();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.body()).contains("same Idempotency-Key");
    reopen();
    assertThat(stored()).as("etcd committed it").isTrue();

    HttpResponse<String> retried = create("lost-1").get(30, TimeUnit.SECONDS);
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
    assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(retried.headers().firstValue("ETag")).isPresent();
    assertThat(retried.body()).contains("\"name\":\"shop\"", "\"tenant\":\"tenant-a\"");
    assertThat(stored()).isTrue();
  }

  private CompletableFuture<HttpResponse<String>> create(String key) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/clusters/" + cluster + "/upstreams"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + DEV)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key + "-" + cluster)
            .POST(HttpRequest.BodyPublishers.ofString(NginxApi.upstreamJson("shop")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Opens the gate and waits until the service reads etcd again (its client reconnects). */
  private void reopen() {
    GATE.open();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                new NginxApi(port)
                        .send("GET", "/clusters/" + cluster, ADMIN, null, null)
                        .statusCode()
                    == 200);
  }

  private boolean stored() throws Exception {
    return direct.getKVClient().get(bytes(NginxKeys.upstreams(cluster) + "shop")).get().getCount()
        == 1;
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static TcpGate gate() {
    try {
      return new TcpGate(LocalInfra.ETCD_PORT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
