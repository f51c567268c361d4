package io.containercloud.build.registry.rooms;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Harbor's own API ({@code /api/v2.0}) beside its OCI one, as the platform's account there (a
 * system robot account): what the OCI API has no word for, such as projects, their robot accounts
 * and scan results.
 */
public final class HarborApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final URI base;
  private final OciClient.Credentials credentials;
  private final HttpClient http;
  private final JsonMapper json;

  HarborApi(URI base, OciClient.Credentials credentials, HttpClient http, JsonMapper json) {
    this.base = base;
    this.credentials = credentials;
    this.http = http;
    this.json = json;
  }

  /**
   * An artifact of {@code repository} ({@code <project>/<name...>}) with its scan overview; empty
   * when Harbor has no such artifact.
   */
  public Optional<JsonNode> artifactWithScanOverview(String repository, String digest)
      throws OciException {
    int slash = repository.indexOf('/');
    if (slash < 0) {
      throw new OciException("repository " + repository + " names no Harbor project");
    }
    // Harbor reads a repository name with '/' in a path segment only when encoded twice
    String name = repository.substring(slash + 1).replace("/", "%252F");
    return get(
        "/api/v2.0/projects/"
            + repository.substring(0, slash)
            + "/repositories/"
            + name
            + "/artifacts/"
            + digest
            + "?with_scan_overview=true");
  }

  /** Makes project {@code name} (private) unless Harbor has it already. */
  public void ensureProject(String name) throws OciException {
    ObjectNode body = json.createObjectNode().put("project_name", name);
    body.putObject("metadata").put("public", "false");
    HttpResponse<byte[]> response = send(post("/api/v2.0/projects", body));
    if (response.statusCode() != 201 && response.statusCode() != 409) {
      throw refused(response, "making project " + name);
    }
  }

  /**
   * A new robot account of project {@code project} that pushes and pulls its repositories and
   * nothing else, never expiring; its name and secret (Harbor shows the secret once).
   */
  public OciClient.Credentials createProjectRobot(String project, String name) throws OciException {
    ObjectNode body =
        json.createObjectNode()
            .put("name", name)
            .put("description", "container-cloud builds of tenant " + project)
            .put("level", "project")
            .put("duration", -1);
    ObjectNode permission =
        body.putArray("permissions").addObject().put("kind", "project").put("namespace", project);
    ArrayNode access = permission.putArray("access");
    access.addObject().put("resource", "repository").put("action", "push");
    access.addObject().put("resource", "repository").put("action", "pull");
    HttpResponse<byte[]> response = send(post("/api/v2.0/robots", body));
    if (response.statusCode() != 201) {
      throw refused(response, "making a robot account of project " + project);
    }
    JsonNode made = read(response, "/api/v2.0/robots");
    String username = made.path("name").stringValue("");
    String secret = made.path("secret").stringValue("");
    if (username.isEmpty() || secret.isEmpty()) {
      throw new OciException("Harbor " + base.getRawAuthority() + " made a robot without a secret");
    }
    return new OciClient.Credentials(username, secret);
  }

  private HttpRequest.Builder post(String path, JsonNode body) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
  }

  private OciException refused(HttpResponse<byte[]> response, String what) {
    return new OciException(
        "Harbor " + base.getRawAuthority() + " answered " + response.statusCode() + " to " + what);
  }

  private JsonNode read(HttpResponse<byte[]> response, String path) throws OciException {
    if (response.body().length > MAX_BODY) {
      throw new OciException("Harbor " + base.getRawAuthority() + " answered too much to " + path);
    }
    try {
      return json.readTree(response.body());
    } catch (JacksonException e) {
      throw new OciException("Harbor " + base.getRawAuthority() + " answered no JSON to " + path);
    }
  }

  private Optional<JsonNode> get(String path) throws OciException {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(TIMEOUT)
                .header("Accept", "application/json"));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw refused(response, path);
    }
    return Optional.of(read(response, path));
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws OciException {
    if (credentials != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (credentials.username() + ":" + credentials.password())
                          .getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new OciException("Harbor " + base.getRawAuthority() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted", e);
    }
  }
}
