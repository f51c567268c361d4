package io.containercloud.gateway;

import static io.containercloud.common.testing.ServiceContract.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.ServiceContract;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayAdminIT {

  private static final String PASSWORD = "correct-horse-battery";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @DynamicPropertySource
  static void routesAndKey(DynamicPropertyRegistry registry) {
    GatewayFixture.properties(registry);
  }

  @Test
  void platformAdminCreatesATenantAndItsAdminWhoManagesItsOwnUsersOnly() {
    String admin = GatewayFixture.login(port, "admin", "test-admin-secret");
    String tenant = "shop-" + UUID.randomUUID().toString().substring(0, 6);
    assertThat(post("/api/admin/tenants", admin, "{\"name\":\"" + tenant + "\"}").statusCode())
        .isEqualTo(201);
    assertThat(post("/api/admin/tenants", admin, "{\"name\":\"" + tenant + "\"}").statusCode())
        .isEqualTo(409);
    HttpResponse<String> created =
        post("/api/admin/users", admin, user("boss-" + tenant, tenant, "tenant-admin"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).contains(tenant + ":tenant-admin").doesNotContain(PASSWORD);

    String boss = GatewayFixture.login(port, "boss-" + tenant, PASSWORD);
    Jwt jwt =
        NimbusJwtDecoder.withJwkSetUri("http://127.0.0.1:" + port + "/.well-known/jwks.json")
            .build()
            .decode(boss);
    assertThat(jwt.getClaimAsString("tenant")).isEqualTo(tenant);
    assertThat(jwt.getClaimAsStringList("roles")).containsExactly("tenant-admin");

    assertThat(
            post("/api/admin/users", boss, user("dev-" + tenant, tenant, "developer")).statusCode())
        .isEqualTo(201);
    HttpResponse<String> escalation =
        post("/api/admin/users", boss, user("root-" + tenant, tenant, "platform-admin"));
    assertThat(escalation.statusCode()).isEqualTo(403);
    assertProblem(escalation, "forbidden");
    assertThat(
            post("/api/admin/users", boss, user("spy-" + tenant, "platform", "viewer"))
                .statusCode())
        .isEqualTo(403);
    assertThat(post("/api/admin/tenants", boss, "{\"name\":\"other\"}").statusCode())
        .isEqualTo(403);
    assertThat(ServiceContract.get("http://127.0.0.1:" + port + "/api/admin/users", boss).body())
        .contains("dev-" + tenant)
        .doesNotContain("\"username\":\"admin\"");
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyAnswersTheFirstOutcomeAndWritesNothingAgain() {
    String admin = GatewayFixture.login(port, "admin", "test-admin-secret");
    String tenant = "idem-" + UUID.randomUUID().toString().substring(0, 6);
    assertThat(post("/api/admin/tenants", admin, "{\"name\":\"" + tenant + "\"}").statusCode())
        .isEqualTo(201);
    String key = "create-" + tenant;

    HttpResponse<String> first =
        post("/api/admin/users", admin, user("u-" + tenant, tenant, "developer"), key);
    HttpResponse<String> again =
        post("/api/admin/users", admin, user("u-" + tenant, tenant, "developer"), key);
    HttpResponse<String> other =
        post("/api/admin/users", admin, user("v-" + tenant, tenant, "developer"), key);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(again.statusCode()).as("not 409: the first outcome").isEqualTo(201);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(other.statusCode()).isEqualTo(422);
    assertProblem(other, "idempotency-key-reused");
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM app_user WHERE username IN (?, ?)",
                Integer.class,
                "u-" + tenant,
                "v-" + tenant))
        .isEqualTo(1);
  }

  @Test
  void badUserRequestsNameTheFields() {
    String admin = GatewayFixture.login(port, "admin", "test-admin-secret");
    HttpResponse<String> response =
        post(
            "/api/admin/users",
            admin,
            """
            {"username": "Bad Name;", "password": "short", "tenant": "platform", "roles": ["god"]}
            """);
    assertThat(response.statusCode()).isEqualTo(400);
    assertProblem(response, "validation-failed");
    assertThat(response.body())
        .contains("\"field\":\"username\"", "\"field\":\"password\"", "\"field\":\"roles[0]\"");
  }

  @Test
  void aBindingsPutThatWouldRenameTheUserOrSetOtherFieldsIsRefusedNotIgnored() {
    String admin = GatewayFixture.login(port, "admin", "test-admin-secret");
    String name = "put-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(post("/api/admin/users", admin, user(name, "platform", "viewer")).statusCode())
        .isEqualTo(201);
    try {
      String path = "/api/admin/users/" + name + "/bindings";
      HttpResponse<String> renamed =
          put(
              path,
              admin,
              """
              {"username": "someone-else", "tenant": "platform", "roles": ["developer"]}
              """);
      assertThat(renamed.statusCode()).isEqualTo(422);
      assertProblem(renamed, "immutable-field");
      assertThat(renamed.body())
          .contains("\"field\":\"username\"", name)
          .contains("\"instance\":\"" + path + "\"");

      HttpResponse<String> extra =
          put(
              path,
              admin,
              """
              {"tenant": "platform", "roles": ["developer"], "enabled": false}
              """);
      assertThat(extra.statusCode()).isEqualTo(400);
      assertProblem(extra, "validation-failed");
      assertThat(extra.body()).contains("\"field\":\"enabled\"");

      assertThat(users(admin))
          .as("nothing changed")
          .contains(
              "{\"username\":\""
                  + name
                  + "\",\"enabled\":true,\"bindings\":[\"platform:viewer\"]}");

      HttpResponse<String> same =
          put(
              path,
              admin,
              """
              {"username": "%s", "tenant": "platform", "roles": ["developer"]}
              """
                  .formatted(name));
      assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
      assertThat(same.body()).contains("platform:developer").doesNotContain("platform:viewer");
    } finally {
      jdbc.update("DELETE FROM app_user WHERE username = ?", name);
    }
  }

  private String users(String token) {
    return ServiceContract.get("http://127.0.0.1:" + port + "/api/admin/users", token).body();
  }

  private HttpResponse<String> put(String path, String token, String json) {
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private static String user(String name, String tenant, String role) {
    return "{\"username\":\""
        + name
        + "\",\"password\":\""
        + PASSWORD
        + "\",\"tenant\":\""
        + tenant
        + "\",\"roles\":[\""
        + role
        + "\"]}";
  }

  private HttpResponse<String> post(String path, String token, String json) {
    return post(path, token, json, null);
  }

  private HttpResponse<String> post(String path, String token, String json, String key) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return ServiceContract.send(request.build());
  }
}
