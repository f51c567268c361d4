package io.containercloud.build.registry.oci;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Images of random layers pushed through {@link OciClient}, as a build would leave them. */
public final class TestImages {

  static final String INDEX = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private static final Random RANDOM = new Random();

  private TestImages() {}

  /** Pushes an image of {@code layers} random layers of {@code size} bytes; its manifest. */
  public static OciClient.Manifest push(
      OciClient registry, String repository, String tag, int layers, int size) throws Exception {
    List<String> descriptors = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      byte[] layer = new byte[size];
      RANDOM.nextBytes(layer);
      descriptors.add(blob(registry, repository, "application/vnd.oci.image.layer.v1.tar", layer));
    }
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"" + RANDOM.nextLong() + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    String configDescriptor =
        blob(registry, repository, "application/vnd.oci.image.config.v1+json", config);
    return put(
        registry,
        repository,
        tag,
        MANIFEST,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MANIFEST
            + "\",\"config\":"
            + configDescriptor
            + ",\"layers\":["
            + String.join(",", descriptors)
            + "]}");
  }

  /** Pushes an index of {@code images} (pushed already, by digest) as {@code tag}. */
  static OciClient.Manifest index(
      OciClient registry, String repository, String tag, List<OciClient.Manifest> images)
      throws Exception {
    List<String> manifests = new ArrayList<>();
    String[] architectures = {"amd64", "arm64", "s390x"};
    for (int i = 0; i < images.size(); i++) {
      manifests.add(
          "{\"mediaType\":\""
              + MANIFEST
              + "\",\"digest\":\""
              + images.get(i).digest()
              + "\",\"size\":"
              + images.get(i).content().length
              + ",\"platform\":{\"architecture\":\""
              + architectures[i]
              + "\",\"os\":\"linux\"}}");
    }
    return put(
        registry,
        repository,
        tag,
        INDEX,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + INDEX
            + "\",\"manifests\":["
            + String.join(",", manifests)
            + "]}");
  }

  private static String blob(OciClient registry, String repository, String type, byte[] content)
      throws Exception {
    String digest = Digests.sha256(content);
    registry.putBlob(
        repository, digest, content.length, new ByteArrayInputStream(content), Long.MAX_VALUE);
    return "{\"mediaType\":\""
        + type
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + content.length
        + "}";
  }

  private static OciClient.Manifest put(
      OciClient registry, String repository, String tag, String type, String json)
      throws Exception {
    byte[] content = json.getBytes(StandardCharsets.UTF_8);
    OciClient.Manifest manifest = new OciClient.Manifest(type, Digests.sha256(content), content);
    registry.putManifest(repository, tag, manifest);
    return manifest;
  }
}
