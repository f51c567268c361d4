package io.containercloud.build.registry.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image gate's policies and scan reports: set and attached by platform admins, announced on
 * {@code image-events} in the transaction of the change, refused with the field named when bad.
 * Harbor's results are read from Harbor's API when its webhook says a scan finished; no Harbor runs
 * here, so a loopback HTTP server answers as Harbor's documented API does (the request it gets is
 * checked: the project, the twice-encoded repository, the digest, the credentials).
 */
@ServiceIntegrationTest
class ImageGateIT {

  private static final String SECRET = "Bearer local-registry-notifications-only-on-loopback";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aPlatformAdminSetsATenantsGateWhichItsMembersMayReadAndIsAnnounced() {
    String tenant = "gate-" + suffix;
    HttpResponse<String> set =
        send("PUT", "/image-gates/" + tenant, "{\"enabled\":true,\"blockAt\":\"High\"}", admin());
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(set.body()).contains("\"enabled\":true", "\"blockAt\":\"High\"");
    assertThat(announced("image.gate-changed", "gate/" + tenant))
        .containsExactly("{\"tenant\":\"" + tenant + "\",\"enabled\":true,\"blockAt\":\"High\"}");

    String member = TestTokens.token("tim", tenant, Role.TENANT_ADMIN);
    assertThat(send("GET", "/image-gates/" + tenant, null, member).body())
        .contains("\"blockAt\":\"High\"");
    // a tenant cannot loosen its own gate, nor read another's
    assertThat(
            send(
                    "PUT",
                    "/image-gates/" + tenant,
                    "{\"enabled\":false,\"blockAt\":\"High\"}",
                    member)
                .statusCode())
        .isEqualTo(403);
    assertThat(
            send("GET", "/image-gates/" + tenant, null, TestTokens.token("o", "other", Role.VIEWER))
                .statusCode())
        .isEqualTo(404);

    HttpResponse<String> bad =
        send("PUT", "/image-gates/" + tenant, "{\"enabled\":true,\"blockAt\":\"Severe\"}", admin());
    ServiceContract.assertProblem(bad, "validation-failed");
    assertThat(bad.body()).contains("\"field\":\"blockAt\"");
    HttpResponse<String> stale =
        send(
            "PUT",
            "/image-gates/" + tenant,
            "{\"enabled\":false,\"blockAt\":\"Low\"}",
            admin(),
            "\"7\"");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(announced("image.gate-changed", "gate/" + tenant)).hasSize(1);
  }

  @Test
  void aScannerAttachesAReportOnlyWithKnownSeveritiesAndItIsAnnounced() {
    String digest = digest("report-" + suffix);
    HttpResponse<String> bad =
        send(
            "PUT",
            "/scan-reports/" + digest,
            "{\"scanner\":\"Trivy v0.50\",\"summary\":{\"Critical\":1,\"Extreme\":2,\"Low\":-1}}",
            admin());
    ServiceContract.assertProblem(bad, "validation-failed");
    assertThat(bad.body()).contains("\"field\":\"summary.Extreme\"", "\"field\":\"summary.Low\"");
    assertThat(
            send(
                    "PUT",
                    "/scan-reports/" + digest,
                    "{\"scanner\":\"Trivy v0.50\",\"summary\":{\"Critical\":1}}",
                    TestTokens.token("dev", "tenant-a", Role.DEVELOPER))
                .statusCode())
        .isEqualTo(403);
    assertThat(
            send(
                    "PUT",
                    "/scan-reports/sha256:nothex",
                    "{\"scanner\":\"x\",\"summary\":{}}",
                    admin())
                .body())
        .contains("\"field\":\"digest\"");
    assertThat(announced("image.scanned", digest)).isEmpty();

    HttpResponse<String> attached =
        send(
            "PUT",
            "/scan-reports/" + digest,
            "{\"scanner\":\"Trivy v0.50\",\"summary\":{\"Critical\":1,\"High\":2}}",
            admin());
    assertThat(attached.statusCode()).as(attached.body()).isEqualTo(200);
    assertThat(attached.body()).contains("\"source\":\"attached\"", "\"Critical\":1");
    assertThat(announced("image.scanned", digest))
        .containsExactly(
            "{\"digest\":\""
                + digest
                + "\",\"scanner\":\"Trivy v0.50\",\"summary\":{\"Critical\":1,\"High\":2}}");
  }

  @Test
  void harborsFinishedScanIsReadFromItsApiWithThePlatformsAccount() throws Exception {
    String digest = digest("harbor-" + suffix);
    List<String> asked = new ArrayList<>();
    HttpServer harbor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    harbor.createContext(
        "/api/v2.0/",
        exchange -> {
          asked.add(
              exchange.getRequestURI().getRawPath()
                  + "?"
                  + exchange.getRequestURI().getRawQuery()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              """
              {"digest":"%s","scan_overview":{
                "application/vnd.security.vulnerability.report; version=1.1":{
                  "report_id":"r1","scan_status":"Success","severity":"Critical","duration":12,
                  "summary":{"total":9,"fixable":4,"summary":{"Critical":2,"High":3,"Low":4}},
                  "scanner":{"name":"Trivy","vendor":"Aqua Security","version":"v0.50.1"},
                  "complete_percent":100}}}"""
                  .formatted(digest)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    harbor.start();
    String host = "127.0.0.1:" + harbor.getAddress().getPort();
    try {
      HttpResponse<String> registered =
          send(
              "POST",
              "/registries",
              """
              {"name":"harbor-%s","room":"hall-%s","url":"http://%s","kind":"harbor",
               "credentials":{"username":"robot$platform","password":"p-%s"}}"""
                  .formatted(suffix, suffix, host, suffix),
              admin());
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

      HttpResponse<String> notified =
          ServiceContract.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/registry/events"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", SECRET)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          """
                          {"type":"SCANNING_COMPLETED","occur_at":1700000000,"operator":"auto",
                           "event_data":{"resources":[{"digest":"%s","resource_url":"%s/acme/team/api@%s"}],
                            "repository":{"name":"team/api","namespace":"acme",
                             "repo_full_name":"acme/team/api","repo_type":"private"}}}"""
                              .formatted(digest, host, digest)))
                  .build());
      assertThat(notified.statusCode()).as(notified.body()).isEqualTo(200);
      assertThat(notified.body()).contains("\"scans\":1");
    } finally {
      harbor.stop(0);
    }
    assertThat(asked)
        .containsExactly(
            "/api/v2.0/projects/acme/repositories/team%252Fapi/artifacts/"
                + digest
                + "?with_scan_overview=true Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString(
                        ("robot$platform:p-" + suffix).getBytes(StandardCharsets.UTF_8)));
    assertThat(send("GET", "/scan-reports/" + digest, null, admin()).body())
        .contains(
            "\"source\":\"harbor\"",
            "\"scanner\":\"Trivy v0.50.1\"",
            "\"Critical\":2",
            "\"repository\":\"acme/team/api\"");
    assertThat(announced("image.scanned", digest)).hasSize(1);
  }

  private List<String> announced(String type, String key) {
    return jdbc
        .queryForList(
            "SELECT payload FROM outbox_event WHERE event_key = ? AND payload LIKE ? ORDER BY seq",
            String.class,
            key,
            "%\"type\":\"" + type + "\"%")
        .stream()
        .map(payload -> json.readTree(payload).get("data").toString())
        .toList();
  }

  private static String admin() {
    return TestTokens.token("ada", "platform", Role.PLATFORM_ADMIN);
  }

  private HttpResponse<String> send(String method, String path, String body, String token) {
    return ServiceContract.send(
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, body).build());
  }

  private HttpResponse<String> send(
      String method, String path, String body, String token, String ifMatch) {
    return ServiceContract.send(
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, body)
            .header("If-Match", ifMatch)
            .build());
  }

  private static String digest(String content) {
    return io.containercloud.common.testing.OciRegistry.digest(
        content.getBytes(StandardCharsets.UTF_8));
  }
}
