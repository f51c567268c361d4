package io.containercloud.build.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** build-service's API as tenant-a's developer (or another caller) uses it in the tests. */
final class BuildApi {

  static final String DEV = "dana";
  static final String VIEWER = "vic";
  static final String OTHER = "olga";

  private final int port;
  private final JsonMapper json;

  BuildApi(int port, JsonMapper json) {
    this.port = port;
    this.json = json;
  }

  /** A java-maven configuration of tenant-a building {@code ref}; its name. */
  String configure(String suffix, String repositoryUrl, String ref) {
    return configure(suffix, repositoryUrl, ref, "");
  }

  /** The same with more fields of the spec ({@code "apm":true,}). */
  String configure(String suffix, String repositoryUrl, String ref, String more) {
    String name = "b-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 6);
    String body =
        """
        {"name":"%s","spec":{%s"repositoryUrl":"%s","ref":"%s","toolchain":"java-maven",
         "image":"%s","resources":{"cpu":"1","memory":"1Gi"},"timeoutSeconds":1200}}"""
            .formatted(name, more, repositoryUrl, ref, name);
    HttpResponse<String> created = send("POST", "/configurations", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return name;
  }

  /** A configuration of tenant-a named {@code name} with {@code spec} (JSON), made or failing. */
  void create(String name, String spec) {
    HttpResponse<String> created =
        send("POST", "/configurations", "{\"name\":\"" + name + "\",\"spec\":" + spec + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  JsonNode trigger(String name) {
    HttpResponse<String> accepted =
        send("POST", "/configurations/tenant-a/" + name + "/builds", null);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return json.readTree(accepted.body());
  }

  JsonNode build(String name, long number) {
    return json.readTree(send("GET", "/builds/tenant-a/" + name + "/" + number, null).body());
  }

  JsonNode awaitEnd(String name, long number, Duration limit) {
    await()
        .atMost(limit)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !build(name, number).path("status").asString().matches("QUEUED|RUNNING"));
    return build(name, number);
  }

  String log(String name, long number) {
    return send("GET", "/builds/tenant-a/" + name + "/" + number + "/log", null).body();
  }

  HttpResponse<String> send(String method, String path, String body) {
    return send(method, path, body, DEV);
  }

  /** As {@code user}; tokens are made per request, as a first build outlives one (5 minutes). */
  HttpResponse<String> send(String method, String path, String body, String user) {
    String token =
        switch (user) {
          case VIEWER -> TestTokens.token(VIEWER, "tenant-a", Role.VIEWER);
          case OTHER -> TestTokens.token(OTHER, "tenant-b", Role.DEVELOPER);
          default -> TestTokens.token(DEV, "tenant-a", Role.DEVELOPER);
        };
    return ServiceContract.send(
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, body).build());
  }
}
