package io.containercloud.cluster.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Who may open a web shell, and how a refusal is answered. */
class ShellAdmissionTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String POD = "/shell/room-1/tenant-a/box-7d9f-x2";

  private final ShellAdmission admission = new ShellAdmission("room-1"::equals, JSON);
  private MockHttpServletResponse response;
  private final Map<String, Object> attributes = new HashMap<>();

  @AfterEach
  void signOut() {
    SecurityContextHolder.clearContext();
  }

  private static void signIn(String user, String tenant, String role) {
    Jwt jwt =
        Jwt.withTokenValue("token")
            .header("alg", "RS256")
            .subject(user)
            .claim("tenant", tenant)
            .claim("roles", List.of(role))
            .build();
    SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt));
  }

  private boolean handshake(String path) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
    request.addHeader("X-Forwarded-Prefix", "/api/clusters");
    response = new MockHttpServletResponse();
    return admission.beforeHandshake(
        new ServletServerHttpRequest(request),
        new ServletServerHttpResponse(response),
        null,
        attributes);
  }

  private JsonNode problem() throws Exception {
    assertThat(response.getContentType()).isEqualTo("application/problem+json");
    return JSON.readTree(response.getContentAsString());
  }

  @Test
  void aDeveloperOfTheTenantGetsASession() throws Exception {
    signIn("dana", "tenant-a", "developer");

    assertThat(handshake(POD)).isTrue();
    assertThat(attributes.get(ShellHandler.SESSION))
        .isInstanceOfSatisfying(
            ShellSessions.Session.class,
            session -> {
              assertThat(session.user()).isEqualTo("dana");
              assertThat(session.cluster()).isEqualTo("room-1");
              assertThat(session.namespace()).isEqualTo("tenant-a");
              assertThat(session.pod()).isEqualTo("box-7d9f-x2");
            });
  }

  @Test
  void namesOutsideTheAllowListAreRefusedAsProblemDetails() throws Exception {
    signIn("dana", "tenant-a", "developer");

    assertThat(handshake("/shell/room-1/tenant-a/Bad_Pod")).isFalse();
    assertThat(response.getStatus()).isEqualTo(400);
    JsonNode problem = problem();
    assertThat(problem.get("type").asString())
        .isEqualTo("https://containercloud.io/problems/validation-failed");
    assertThat(problem.get("code").asString()).isEqualTo("validation-failed");
    assertThat(problem.get("status").asInt()).isEqualTo(400);
    assertThat(problem.get("instance").asString())
        .isEqualTo("/api/clusters/shell/room-1/tenant-a/Bad_Pod");
    assertThat(attributes).isEmpty();
  }

  @Test
  void anotherTenantsPodAndAnUnknownClusterDoNotExist() throws Exception {
    signIn("olga", "tenant-b", "developer");
    assertThat(handshake(POD)).isFalse();
    assertThat(response.getStatus()).isEqualTo(404);
    assertThat(problem().get("detail").asString())
        .isEqualTo("Pod 'box-7d9f-x2' in room-1/tenant-a does not exist.");

    signIn("root", "platform", "platform-admin");
    assertThat(handshake("/shell/room-9/tenant-a/box-7d9f-x2")).isFalse();
    assertThat(response.getStatus()).isEqualTo(404);
  }

  @Test
  void viewersMayNotOpenAShell() throws Exception {
    signIn("vic", "tenant-a", "viewer");

    assertThat(handshake(POD)).isFalse();
    assertThat(response.getStatus()).isEqualTo(403);
    assertThat(problem().get("code").asString()).isEqualTo("forbidden");
    assertThat(attributes).isEmpty();
  }
}
