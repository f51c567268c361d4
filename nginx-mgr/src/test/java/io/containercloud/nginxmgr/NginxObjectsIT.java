package io.containercloud.nginxmgr;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestCertificates;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.common.testing.TestTokens;
import io.containercloud.nginx.model.NginxKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Clusters, servers and upstreams in the real etcd: versions, history, tenants, bad input. */
@ServiceIntegrationTest
class NginxObjectsIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV_A = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String DEV_B = TestTokens.token("bob", "tenant-b", Role.DEVELOPER);
  private static final String VIEWER_A = TestTokens.token("vic", "tenant-a", Role.VIEWER);
  private static final TestCertificates CERTIFICATES = new TestCertificates();

  @LocalServerPort int port;
  @Autowired Client etcd;

  private String cluster;

  @BeforeEach
  void aFreshCluster() {
    cluster = "edge-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = send("POST", "/clusters", ADMIN, null, clusterJson("1.24.0"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> certificate =
        send(
            "POST",
            "/clusters/" + cluster + "/certificates",
            DEV_A,
            null,
            NginxApi.certificateJson(
                "shop-cert", CERTIFICATES.issue(List.of("shop.example.com"), Duration.ofDays(90))));
    assertThat(certificate.statusCode()).as(certificate.body()).isEqualTo(201);
  }

  @AfterEach
  void removeTheCluster() {
    TestEtcd.removeNginxCluster(etcd, cluster);
  }

  @Test
  void everyChangeIsGuardedByTheVersionItWasMadeFrom() {
    String first = NginxApi.etag(send("GET", "/clusters/" + cluster, ADMIN, null, null));

    assertThat(send("PUT", "/clusters/" + cluster, ADMIN, null, clusterJson("1.26.0")).statusCode())
        .isEqualTo(428);
    HttpResponse<String> changed =
        send("PUT", "/clusters/" + cluster, ADMIN, first, clusterJson("1.26.0"));
    assertThat(changed.statusCode()).isEqualTo(200);
    HttpResponse<String> stale =
        send("PUT", "/clusters/" + cluster, ADMIN, first, clusterJson("1.25.0"));
    assertThat(stale.statusCode()).isEqualTo(409);
    ServiceContract.assertProblem(stale, "stale-version");

    HttpResponse<String> history =
        send("GET", "/clusters/" + cluster + "/history", ADMIN, null, null);
    assertThat(history.body()).contains("1.26.0", "1.24.0").doesNotContain("1.25.0");

    String revision = first.replace("\"", "");
    HttpResponse<String> rolledBack =
        send(
            "POST",
            "/clusters/" + cluster + "/rollback?revision=" + revision,
            ADMIN,
            NginxApi.etag(changed),
            null);
    assertThat(rolledBack.statusCode()).isEqualTo(200);
    assertThat(send("GET", "/clusters/" + cluster, ADMIN, null, null).body()).contains("1.24.0");
    HttpResponse<String> notHeld =
        send(
            "POST",
            "/clusters/" + cluster + "/rollback?revision=999999999",
            ADMIN,
            NginxApi.etag(send("GET", "/clusters/" + cluster, ADMIN, null, null)),
            null);
    assertThat(notHeld.statusCode()).as("a revision etcd does not hold").isEqualTo(404);
  }

  @Test
  void tenantsSeeAndChangeOnlyTheirOwnAndViewersChangeNothing() {
    HttpResponse<String> created =
        send(
            "POST",
            "/clusters/" + cluster + "/upstreams",
            DEV_A,
            null,
            NginxApi.upstreamJson("shop"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).contains("\"tenant\":\"tenant-a\"");
    String path = "/clusters/" + cluster + "/upstreams/shop";

    assertThat(send("GET", path, DEV_B, null, null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/clusters/" + cluster + "/upstreams", DEV_B, null, null).body())
        .doesNotContain("shop");
    assertThat(send("DELETE", path, DEV_B, NginxApi.etag(created), null).statusCode())
        .isEqualTo(404);
    assertThat(send("GET", path, VIEWER_A, null, null).statusCode()).isEqualTo(200);
    assertThat(
            send("PUT", path, VIEWER_A, NginxApi.etag(created), NginxApi.upstreamJson("shop"))
                .statusCode())
        .isEqualTo(403);
    assertThat(send("DELETE", path, VIEWER_A, NginxApi.etag(created), null).statusCode())
        .isEqualTo(403);

    HttpResponse<String> server =
        send(
            "POST",
            "/clusters/" + cluster + "/servers",
            DEV_A,
            null,
            NginxApi.serverJson("shop", "/"));
    assertThat(server.statusCode()).as(server.body()).isEqualTo(201);
    assertThat(
            send(
                    "DELETE",
                    "/clusters/" + cluster,
                    ADMIN,
                    NginxApi.etag(send("GET", "/clusters/" + cluster, ADMIN, null, null)),
                    null)
                .statusCode())
        .isEqualTo(409);
    assertThat(send("DELETE", path, DEV_A, NginxApi.etag(created), null).statusCode())
        .isEqualTo(204);
  }

  @Test
  void aPutThatChangesANameOrTenantIs422NamingTheFieldAndChangesNothing() {
    HttpResponse<String> created =
        send(
            "POST",
            "/clusters/" + cluster + "/upstreams",
            DEV_A,
            null,
            NginxApi.upstreamJson("shop"));
    String path = "/clusters/" + cluster + "/upstreams/shop";
    long before = etcdRevision();

    HttpResponse<String> renamed =
        send("PUT", path, DEV_A, NginxApi.etag(created), NginxApi.upstreamJson("other"));
    HttpResponse<String> moved =
        send(
            "PUT",
            path,
            ADMIN,
            NginxApi.etag(created),
            NginxApi.upstreamJson("shop")
                .replace("{\"name\"", "{\"tenant\":\"tenant-b\",\"name\""));
    HttpResponse<String> clusterRenamed =
        send(
            "PUT",
            "/clusters/" + cluster,
            ADMIN,
            NginxApi.etag(send("GET", "/clusters/" + cluster, ADMIN, null, null)),
            NginxApi.clusterJson("elsewhere", "1.24.0"));

    assertThat(renamed.statusCode()).isEqualTo(422);
    assertThat(renamed.body()).contains("\"field\":\"name\"");
    assertThat(moved.statusCode()).isEqualTo(422);
    assertThat(moved.body()).contains("\"field\":\"tenant\"");
    assertThat(clusterRenamed.statusCode()).isEqualTo(422);
    assertThat(etcdRevision()).isEqualTo(before);
  }

  @Test
  void hostileTextInAnyStringFieldIsRefusedNamingTheFieldAndEtcdIsUntouched() {
    List<String> hostile =
        List.of(
            "a;b",
            "a{b",
            "a}b",
            "a\\nb",
            "$host",
            "a\\\"b",
            "a'b",
            "include /etc/passwd",
            "a#b",
            "caf\u00e9",
            "$http_cookie",
            "a $host",
            "${host}",
            "x".repeat(10_000));
    List<String[]> fields =
        List.of(
            new String[] {"servers", "serverNames[0]", "SERVER_NAME"},
            new String[] {"servers", "locations[0].path", "/PATH"},
            new String[] {"servers", "locations[0].upstream", "UPSTREAM"},
            new String[] {"servers", "locations[0].readTimeout", "READ"},
            new String[] {"servers", "locations[0].clientMaxBodySize", "SIZE"},
            new String[] {"servers", "tls.certificate", "CERT"},
            new String[] {"servers", "name", "NAME"},
            new String[] {"upstreams", "vm.members[0].host", "HOST"},
            new String[] {"upstreams", "vm.members[0].failTimeout", "FAIL"},
            new String[] {"upstreams", "healthCheck.path", "/HEALTH"},
            new String[] {"upstreams", "healthCheck.interval", "INTERVAL"},
            new String[] {"upstreams", "container.service", "SERVICE"},
            new String[] {"upstreams", "name", "NAME"},
            new String[] {"servers", "setHeaders", "HEADER"},
            new String[] {"servers", "setHeaders", "HEADER_VALUE"});
    long before = etcdRevision();
    List<String> accepted = new ArrayList<>();
    for (String[] field : fields) {
      for (String value : hostile) {
        if (field[2].equals("HEADER_VALUE")
            && (value.equals("$host") || value.equals("include /etc/passwd"))) {
          continue; // an allowed variable, and plain text nginx reads quoted
        }
        String json =
            NginxApi.fill(
                field[0].equals("servers") ? NginxApi.SERVER : NginxApi.UPSTREAM, field[2], value);
        HttpResponse<String> response =
            send("POST", "/clusters/" + cluster + "/" + field[0], DEV_A, null, json);
        if (response.statusCode() != 400 || !response.body().contains(field[1])) {
          accepted.add(
              field[1]
                  + " <- "
                  + value.substring(0, Math.min(20, value.length()))
                  + ": "
                  + response.statusCode()
                  + " "
                  + response.body());
        }
      }
    }
    HttpResponse<String> wrongType =
        send(
            "POST",
            "/clusters/" + cluster + "/upstreams",
            DEV_A,
            null,
            NginxApi.fill(NginxApi.UPSTREAM, "NAME", "shop")
                .replace("\"port\":8080,\"weight\"", "\"port\":\"eighty\",\"weight\""));
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("vm.members[0].port");

    assertThat(accepted).isEmpty();
    assertThat(etcdRevision()).isEqualTo(before);
  }

  private String clusterJson(String version) {
    return NginxApi.clusterJson(cluster, version);
  }

  private HttpResponse<String> send(
      String method, String path, String token, String ifMatch, String json) {
    return new NginxApi(port).send(method, path, token, ifMatch, json);
  }

  /**
   * The newest change under this test's cluster (and the count of its keys): unchanged when nothing
   * was written there, whatever a local platform sharing etcd writes meanwhile.
   */
  private long etcdRevision() {
    try {
      var kvs =
          etcd.getKVClient()
              .get(
                  ByteSequence.from(NginxKeys.cluster(cluster), StandardCharsets.UTF_8),
                  GetOption.builder().isPrefix(true).build())
              .get()
              .getKvs();
      return kvs.stream().mapToLong(kv -> kv.getModRevision()).max().orElse(0) * 100_000
          + kvs.size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
