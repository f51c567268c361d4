package io.containercloud.build.hook;

import io.containercloud.build.configuration.Configuration;
import io.containercloud.build.configuration.ConfigurationRepository;
import io.containercloud.build.run.Build;
import io.containercloud.build.run.BuildQueue;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Git push webhooks: a configuration's secret is made (and replaced) by its writers, and a push to
 * the configuration's branch or tag, announced by GitHub or Gitea (an HMAC-SHA256 of the body,
 * {@code X-Hub-Signature-256}) or GitLab (the secret itself, {@code X-Gitlab-Token}), queues a
 * build of it. Anything unsigned, wrongly signed or for a configuration without a secret is 401,
 * and so is an unknown configuration (no one learns which exist).
 */
@RestController
class GitHookResource {

  static final String HOOKS = "/hooks/git";
  private static final int MAX_BODY = 5 * 1024 * 1024;
  private static final String NO_COMMIT = "0".repeat(40);

  private final ConfigurationRepository configurations;
  private final WebhookSecrets secrets;
  private final BuildQueue queue;
  private final HookProperties properties;
  private final JsonMapper json;

  GitHookResource(
      ConfigurationRepository configurations,
      WebhookSecrets secrets,
      BuildQueue queue,
      HookProperties properties,
      JsonMapper json) {
    this.configurations = configurations;
    this.secrets = secrets;
    this.queue = queue;
    this.properties = properties;
    this.json = json;
  }

  /** What a configuration's webhook is: where it is called, since when its secret holds. */
  record Webhook(String path, boolean configured, Instant rotatedAt, String secret) {}

  /** A new secret (shown this once); the earlier one stops working. */
  @PostMapping("/configurations/{tenant}/{name}/webhook")
  ResponseEntity<Webhook> rotate(@PathVariable String tenant, @PathVariable String name) {
    if (!Caller.current().canChange(tenant)) {
      throw ProblemException.forbidden("Webhooks need the developer role in the tenant.");
    }
    Configuration configuration = configuration(tenant, name);
    WebhookSecrets.Stored stored = secrets.rotate(configuration);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new Webhook(path(tenant, name), true, stored.rotatedAt(), stored.secret()));
  }

  @GetMapping("/configurations/{tenant}/{name}/webhook")
  Webhook webhook(@PathVariable String tenant, @PathVariable String name) {
    Optional<WebhookSecrets.Stored> stored = secrets.find(configuration(tenant, name));
    return new Webhook(
        path(tenant, name),
        stored.isPresent(),
        stored.map(WebhookSecrets.Stored::rotatedAt).orElse(null),
        null);
  }

  @PostMapping(HOOKS + "/{tenant}/{name}")
  ResponseEntity<Map<String, Object>> pushed(
      @PathVariable String tenant, @PathVariable String name, HttpServletRequest request)
      throws IOException {
    byte[] body = read(request);
    Optional<Configuration> configuration = configurations.find(tenant, name);
    Optional<WebhookSecrets.Stored> stored = configuration.flatMap(secrets::find);
    if (stored.isEmpty() || !signed(request, body, stored.get().secret())) {
      throw ProblemException.unauthorized(
          "A push hook needs its configuration's secret: X-Hub-Signature-256 (GitHub, Gitea) or"
              + " X-Gitlab-Token (GitLab).");
    }
    String event =
        Optional.ofNullable(request.getHeader("X-GitHub-Event"))
            .or(() -> Optional.ofNullable(request.getHeader("X-Gitea-Event")))
            .or(() -> Optional.ofNullable(request.getHeader("X-Gitlab-Event")))
            .orElse("");
    if (event.equals("ping")) {
      return ResponseEntity.ok(Map.of("triggered", false, "reason", "ping"));
    }
    if (!event.equals("push") && !event.equals("Push Hook") && !event.equals("Tag Push Hook")) {
      return ignored("not a push: " + (event.isEmpty() ? "no event header" : "event " + event));
    }
    JsonNode push;
    try {
      push = json.readTree(body);
    } catch (JacksonException e) {
      throw ProblemException.invalid("body", "must be a push event's JSON");
    }
    String ref = push.path("ref").asString("");
    String spec = configuration.get().spec().ref();
    if (NO_COMMIT.equals(push.path("after").asString(""))) {
      return ignored("the ref was deleted");
    }
    if (!ref.equals("refs/heads/" + spec) && !ref.equals("refs/tags/" + spec)) {
      return ignored("the configuration builds " + spec);
    }
    Build build = queue.queue(configuration.get(), "push", "git-push");
    return ResponseEntity.accepted().body(Map.of("triggered", true, "build", build.number()));
  }

  private Configuration configuration(String tenant, String name) {
    return Optional.of(tenant)
        .filter(Caller.current()::canSee)
        .flatMap(t -> configurations.find(t, name))
        .orElseThrow(() -> ProblemException.notFound("build configuration", tenant + "/" + name));
  }

  private String path(String tenant, String name) {
    return properties.publicPath() + "/" + tenant + "/" + name;
  }

  private static ResponseEntity<Map<String, Object>> ignored(String reason) {
    return ResponseEntity.accepted().body(Map.of("triggered", false, "reason", reason));
  }

  /** GitHub's and Gitea's HMAC of the body, or GitLab's token; compared in constant time. */
  private static boolean signed(HttpServletRequest request, byte[] body, String secret) {
    String signature = request.getHeader("X-Hub-Signature-256");
    if (signature != null) {
      return MessageDigest.isEqual(
          ("sha256=" + hmac(secret, body)).getBytes(StandardCharsets.UTF_8),
          signature.getBytes(StandardCharsets.UTF_8));
    }
    String token = request.getHeader("X-Gitlab-Token");
    return token != null
        && MessageDigest.isEqual(
            secret.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  private static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  private static byte[] read(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw ProblemException.invalid("body", "must be at most 5 MiB");
      }
      return body;
    }
  }
}
