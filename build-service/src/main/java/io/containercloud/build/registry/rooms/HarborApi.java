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

/**
 * Harbor's own API ({@code /api/v2.0}) beside its OCI one, as the platform's account there (a
 * system robot account): what the OCI API has no word for, such as scan results.
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

  private Optional<JsonNode> get(String path) throws OciException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("Accept", "application/json");
    if (credentials != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (credentials.username() + ":" + credentials.password())
                          .getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new OciException("Harbor " + base.getRawAuthority() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted", e);
    }
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200 || response.body().length > MAX_BODY) {
      throw new OciException(
          "Harbor "
              + base.getRawAuthority()
              + " answered "
              + response.statusCode()
              + " to "
              + path);
    }
    try {
      return Optional.of(json.readTree(response.body()));
    } catch (JacksonException e) {
      throw new OciException("Harbor " + base.getRawAuthority() + " answered no JSON to " + path);
    }
  }
}
