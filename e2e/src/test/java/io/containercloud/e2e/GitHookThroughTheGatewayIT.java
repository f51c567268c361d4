package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * A git host's push hook, as GitHub sends it, through the gateway (no platform token, the gateway's
 * open hooks route) to build-service, which checks its signature against the secret a writer made
 * through the gateway and queues a build of the configuration.
 */
class GitHookThroughTheGatewayIT {

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void aSignedPushThroughTheGatewayQueuesABuild() throws Exception {
    String name = "hooked-" + platform.run;
    platform.ok(
        "POST",
        "/api/builds/configurations",
        """
        {"name":"%s","spec":{"repositoryUrl":"git://127.0.0.1:1/none.git","ref":"main",
         "toolchain":"java-maven","image":"%s"}}"""
            .formatted(name, name));
    String made =
        platform.ok("POST", "/api/builds/configurations/platform/" + name + "/webhook", null);
    String secret = made.replaceAll(".*\"secret\":\"([0-9a-f]{64})\".*", "$1");
    assertThat(made).contains("\"path\":\"/hooks/builds/platform/" + name + "\"");

    String push = "{\"ref\":\"refs/heads/main\",\"after\":\"" + "1".repeat(40) + "\"}";
    HttpResponse<String> signed = hook(name, push, sign(secret, push));
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
    assertThat(signed.body()).contains("\"triggered\":true", "\"build\":1");
    assertThat(platform.ok("GET", "/api/builds/builds/platform/" + name + "/1", null))
        .contains("\"trigger\":\"push\"");

    HttpResponse<String> forged = hook(name, push, sign("not-the-secret", push));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  private HttpResponse<String> hook(String name, String body, String signature) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(platform.gatewayUrl() + "/hooks/builds/platform/" + name))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String sign(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
