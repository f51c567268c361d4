package io.containercloud.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes an image to the local registry through the OCI distribution API, as buildah or Harbor's
 * clients do: a layer and a config blob, then the manifest under a tag.
 */
public final class OciRegistry {

  /** The local registry of scripts/infra.sh. */
  public static final String ADDRESS = "127.0.0.1:" + LocalInfra.REGISTRY_PORT;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private OciRegistry() {}

  /** Pushes an image whose one layer is {@code content}; returns the manifest's digest. */
  public static String push(String repository, String tag, String content) {
    byte[] layer = content.getBytes(StandardCharsets.UTF_8);
    String layerDigest = blob(repository, layer);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = blob(repository, config);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + configDigest
            + "\",\"size\":"
            + config.length
            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"digest\":\""
            + layerDigest
            + "\",\"size\":"
            + layer.length
            + "}]}";
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest))
                .build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    String digest = put.headers().firstValue("Docker-Content-Digest").orElseThrow();
    assertThat(digest).isEqualTo(digest(manifest.getBytes(StandardCharsets.UTF_8)));
    return digest;
  }

  /** The digest the registry serves for {@code repository:tag}'s image manifest. */
  public static String manifestDigest(String repository, String tag) {
    HttpResponse<String> head =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .build());
    assertThat(head.statusCode()).as(repository + ":" + tag).isEqualTo(200);
    return head.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  /**
   * The config of the image {@code repository:tag} (its user, environment, entry point, health
   * check, labels) as the registry serves it to a puller, with its digest: the image's id.
   */
  public static ImageConfig imageConfig(String repository, String tag) {
    HttpResponse<String> manifest =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + tag))
                .header(
                    "Accept",
                    "application/vnd.docker.distribution.manifest.v2+json,"
                        + "application/vnd.oci.image.manifest.v1+json")
                .build());
    assertThat(manifest.statusCode()).as(repository + ":" + tag).isEqualTo(200);
    String digest = JSON.readTree(manifest.body()).path("config").path("digest").asString();
    HttpResponse<String> config =
        send(HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/" + digest)).build());
    assertThat(config.statusCode()).as(repository + " config " + digest).isEqualTo(200);
    return new ImageConfig(digest, JSON.readTree(config.body()).path("config"));
  }

  /** An image's digest ({@code sha256:...}) and the {@code config} object of its config blob. */
  public record ImageConfig(String digest, JsonNode config) {}

  private static String blob(String repository, byte[] content) {
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String location = started.headers().firstValue("Location").orElseThrow();
    String digest = digest(content);
    URI upload = URI.create(location.startsWith("/") ? "http://" + ADDRESS + location : location);
    HttpResponse<String> finished =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        upload + (upload.getRawQuery() == null ? "?" : "&") + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build());
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(201);
    return digest;
  }

  public static String digest(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URI url(String path) {
    return URI.create("http://" + ADDRESS + path);
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
