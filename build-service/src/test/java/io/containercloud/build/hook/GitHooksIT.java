package io.containercloud.build.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Git push webhooks: secrets made and replaced by a configuration's writers, pushes announced as
 * GitHub, Gitea and GitLab send them queue a build of the configuration's branch; anything
 * unsigned, wrongly signed, for another branch or for an unknown configuration queues nothing.
 */
@ServiceIntegrationTest
class GitHooksIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired JsonMapper json;
  @Autowired JdbcTemplate jdbc;

  private String name;

  @BeforeEach
  void configuration() {
    name = "hook-" + UUID.randomUUID().toString().substring(0, 8);
    // a repository nobody serves: a queued build fails at its clone, which is not the point here
    HttpResponse<String> created =
        api(
            "POST",
            "/configurations",
            """
            {"name":"%s","spec":{"repositoryUrl":"git://127.0.0.1:1/none.git","ref":"main",
             "toolchain":"java-maven","image":"%s"}}"""
                .formatted(name, name),
            Role.DEVELOPER);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @Test
  void writersMakeTheSecretOnceShownAndReadersSeeWhereTheHookIs() {
    HttpResponse<String> viewer = api("POST", webhook(), null, Role.VIEWER);
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(
            json.readTree(api("GET", webhook(), null, Role.VIEWER).body())
                .path("configured")
                .asBoolean())
        .isFalse();

    HttpResponse<String> made = api("POST", webhook(), null, Role.DEVELOPER);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    JsonNode hook = json.readTree(made.body());
    assertThat(hook.path("path").asString()).isEqualTo("/hooks/builds/tenant-a/" + name);
    assertThat(hook.path("secret").asString()).matches("[0-9a-f]{64}");

    JsonNode read = json.readTree(api("GET", webhook(), null, Role.VIEWER).body());
    assertThat(read.path("configured").asBoolean()).isTrue();
    assertThat(read.path("secret").isNull() || read.path("secret").isMissingNode()).isTrue();
    // sealed at rest: the stored bytes do not hold the secret
    byte[] stored =
        jdbc.queryForObject(
            "SELECT w.secret FROM build_webhook w JOIN build_configuration c"
                + " ON c.id = w.configuration_id WHERE c.tenant = 'tenant-a' AND c.name = ?",
            byte[].class,
            name);
    assertThat(new String(stored, StandardCharsets.ISO_8859_1))
        .doesNotContain(hook.path("secret").asString());
    String other = TestTokens.token("olga", "tenant-b", Role.DEVELOPER);
    assertThat(
            ServiceContract.send(
                    ServiceContract.request("GET", url(webhook()), other, null).build())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aSignedPushToTheBranchQueuesABuildAndNothingElseDoes() throws Exception {
    String secret =
        json.readTree(api("POST", webhook(), null, Role.DEVELOPER).body())
            .path("secret")
            .asString();
    String push = push("refs/heads/main", "1".repeat(40));

    HttpResponse<String> github =
        hook(push, Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(secret, push)));
    assertThat(github.statusCode()).as(github.body()).isEqualTo(202);
    assertThat(json.readTree(github.body()).path("build").asLong()).isEqualTo(1);
    HttpResponse<String> gitea =
        hook(push, Map.of("X-Gitea-Event", "push", "X-Hub-Signature-256", sign(secret, push)));
    assertThat(json.readTree(gitea.body()).path("build").asLong()).isEqualTo(2);
    HttpResponse<String> gitlab =
        hook(push, Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", secret));
    assertThat(json.readTree(gitlab.body()).path("build").asLong()).isEqualTo(3);
    JsonNode build =
        json.readTree(api("GET", "/builds/tenant-a/" + name + "/1", null, Role.VIEWER).body());
    assertThat(build.path("trigger").asString()).isEqualTo("push");
    assertThat(build.path("requestedBy").asString()).isEqualTo("git-push");

    // not triggering, and saying why
    String other = push("refs/heads/feature", "2".repeat(40));
    assertThat(
            hook(
                    other,
                    Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(secret, other)))
                .body())
        .contains("\"triggered\":false", "builds main");
    String deleted = push("refs/heads/main", "0".repeat(40));
    assertThat(
            hook(
                    deleted,
                    Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(secret, deleted)))
                .body())
        .contains("\"triggered\":false", "deleted");
    HttpResponse<String> ping =
        hook("{}", Map.of("X-GitHub-Event", "ping", "X-Hub-Signature-256", sign(secret, "{}")));
    assertThat(ping.statusCode()).isEqualTo(200);

    // refused: unsigned, signed with another secret, a body changed after signing, a wrong token,
    // an unknown configuration
    assertThat(hook(push, Map.of("X-GitHub-Event", "push")).statusCode()).isEqualTo(401);
    assertThat(
            hook(
                    push,
                    Map.of(
                        "X-GitHub-Event", "push", "X-Hub-Signature-256", sign("x" + secret, push)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            hook(
                    push.replace("main", "mainx"),
                    Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(secret, push)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            hook(push, Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "nope"))
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> unknown =
        send(
            "/hooks/git/tenant-a/no-such-" + name,
            push,
            Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(secret, push)));
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    // a secret sealed under another key (the key replaced) opens no more: 401, not an error
    jdbc.update(
        "UPDATE build_webhook SET secret = ? WHERE configuration_id ="
            + " (SELECT id FROM build_configuration WHERE tenant = 'tenant-a' AND name = ?)",
        new byte[] {
          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
          26, 27, 28, 29
        },
        name);
    assertThat(
            hook(push, Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(secret, push)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            json.readTree(api("GET", webhook(), null, Role.VIEWER).body())
                .path("configured")
                .asBoolean())
        .isFalse();

    // a new secret: the old one no longer works
    api("POST", webhook(), null, Role.DEVELOPER);
    assertThat(
            hook(push, Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(secret, push)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM build WHERE tenant = 'tenant-a' AND configuration = ?",
                Integer.class,
                name))
        .isEqualTo(3);
  }

  private String webhook() {
    return "/configurations/tenant-a/" + name + "/webhook";
  }

  private static String push(String ref, String after) {
    return """
        {"ref":"%s","before":"%s","after":"%s","repository":{"full_name":"team/app"}}"""
        .formatted(ref, "9".repeat(40), after);
  }

  private static String sign(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> hook(String body, Map<String, String> headers) throws Exception {
    return send("/hooks/git/tenant-a/" + name, body, headers);
  }

  private HttpResponse<String> send(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> api(String method, String path, String body, Role role) {
    String token = TestTokens.token("dana", "tenant-a", role);
    return ServiceContract.send(ServiceContract.request(method, url(path), token, body).build());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
