package io.containercloud.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the API refuses before it asks cluster-service anything (here there is none to ask: the
 * flows with a real one are in e2e): invalid definitions, a cycle, other tenants, viewers.
 */
@ServiceIntegrationTest
class ApplicationApiIT {

  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String VIEWER = TestTokens.token("vic", "tenant-a", Role.VIEWER);
  private static final String OTHER = TestTokens.token("olga", "tenant-b", Role.DEVELOPER);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  private static String service(String name, String dependsOn) {
    return """
        {"name":"%s","image":"registry.example.com/tenant-a/%s:1","replicas":1,
         "spec":{"resources":{"requests":{"cpu":"100m","memory":"64Mi"},
                              "limits":{"cpu":"100m","memory":"64Mi"}}},
         "dependsOn":[%s]}"""
        .formatted(name, name, dependsOn);
  }

  private static String app(String name, String... services) {
    return "{\"name\":\"" + name + "\",\"services\":[" + String.join(",", services) + "]}";
  }

  @Test
  void aCycleIsRefusedNamingItInOrderAndNothingIsStored() {
    HttpResponse<String> refused =
        send(
            "POST",
            "/applications",
            DEV,
            app(
                "loop",
                service("web", "\"api\""),
                service("api", "\"queue\""),
                service("queue", "\"api\"")));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body())
        .contains(
            "\"code\":\"dependency-cycle\"",
            "api -> queue -> api",
            "\"cycle\":[\"api\",\"queue\",\"api\"]",
            "\"field\":\"services[1].dependsOn\"");
    assertThat(stored("loop")).isZero();
  }

  @Test
  void duplicateAndUnknownServicesAre422NamingTheField() {
    HttpResponse<String> refused =
        send(
            "POST",
            "/applications",
            DEV,
            app("dupes", service("db", ""), service("db", ""), service("api", "\"cache\"")));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body())
        .contains(
            "\"code\":\"invalid-application\"",
            "\"field\":\"services[1].name\"",
            "\"field\":\"services[2].dependsOn[0]\"");
    assertThat(stored("dupes")).isZero();
  }

  @Test
  void malformedFieldsAre400() {
    HttpResponse<String> refused =
        send("POST", "/applications", DEV, app("Bad_Name", service("db", "")));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("\"field\":\"name\"");

    HttpResponse<String> noServices = send("POST", "/applications", DEV, app("empty"));
    assertThat(noServices.statusCode()).isEqualTo(400);
    assertThat(noServices.body()).contains("\"field\":\"services\"");
  }

  @Test
  void withoutClusterServiceASoundDefinitionCannotBeCheckedAndIsNotStored() {
    HttpResponse<String> unavailable =
        send(
            "POST", "/applications", DEV, app("shop", service("db", ""), service("api", "\"db\"")));

    assertThat(unavailable.statusCode()).as(unavailable.body()).isEqualTo(503);
    assertThat(unavailable.body()).contains("cluster-service-unavailable");
    assertThat(stored("shop")).isZero();
  }

  @Test
  void viewersCannotDefineAndOtherTenantsSeeNothing() {
    assertThat(send("POST", "/applications", VIEWER, app("v", service("db", ""))).statusCode())
        .isEqualTo(403);
    assertThat(send("GET", "/applications/tenant-a/shop", OTHER, null).statusCode()).isEqualTo(404);
    assertThat(
            send("POST", "/applications/tenant-a/shop/operations", OTHER, "{\"action\":\"start\"}")
                .statusCode())
        .isEqualTo(403);
    assertThat(send("GET", "/operations/1", OTHER, null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/applications", OTHER, null).body()).isEqualTo("[]");
  }

  @Test
  void anUnknownActionIs400() {
    HttpResponse<String> refused =
        send("POST", "/applications/tenant-a/shop/operations", DEV, "{\"action\":\"explode\"}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("\"field\":\"action\"");
  }

  private int stored(String name) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM application WHERE name = ?", Integer.class, name);
  }

  private HttpResponse<String> send(String method, String path, String token, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return ServiceContract.send(request.build());
  }
}
