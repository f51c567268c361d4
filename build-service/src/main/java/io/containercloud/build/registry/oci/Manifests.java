package io.containercloud.build.registry.oci;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a manifest refers to: an index's manifests, an image manifest's config and layers. */
final class Manifests {

  /** A reference to content by digest, as a manifest holds it. */
  record Descriptor(String mediaType, String digest, long size) {}

  private Manifests() {}

  static boolean isIndex(String mediaType) {
    return mediaType.equals(OciClient.MANIFEST_TYPES.get(0))
        || mediaType.equals(OciClient.MANIFEST_TYPES.get(1));
  }

  /** The media type a manifest names itself, or that its shape tells (an index has manifests). */
  static String mediaType(JsonMapper json, byte[] content) throws OciException {
    JsonNode manifest = read(json, content);
    String named = manifest.path("mediaType").asString("");
    if (OciClient.MANIFEST_TYPES.contains(named)) {
      return named;
    }
    return manifest.has("manifests")
        ? OciClient.MANIFEST_TYPES.get(0)
        : OciClient.MANIFEST_TYPES.get(2);
  }

  /** The manifests an index or manifest list names. */
  static List<Descriptor> children(JsonMapper json, byte[] content) throws OciException {
    return descriptors(read(json, content).path("manifests"), "manifests");
  }

  /**
   * The blobs an image manifest needs: its config, then its layers. Foreign layers (with {@code
   * urls}, served elsewhere) are not the registry's and are left out, as Docker's clients do.
   */
  static List<Descriptor> blobs(JsonMapper json, byte[] content) throws OciException {
    JsonNode manifest = read(json, content);
    List<Descriptor> blobs = new ArrayList<>();
    JsonNode config = manifest.path("config");
    if (!config.isMissingNode()) {
      blobs.add(descriptor(config, "config"));
    }
    List<JsonNode> layers = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      if (layer.path("urls").isEmpty()) {
        layers.add(layer);
      }
    }
    for (int i = 0; i < layers.size(); i++) {
      blobs.add(descriptor(layers.get(i), "layers[" + i + "]"));
    }
    return blobs;
  }

  private static List<Descriptor> descriptors(JsonNode array, String field) throws OciException {
    List<Descriptor> descriptors = new ArrayList<>();
    int index = 0;
    for (JsonNode node : array) {
      descriptors.add(descriptor(node, field + "[" + index++ + "]"));
    }
    return descriptors;
  }

  private static Descriptor descriptor(JsonNode node, String field) throws OciException {
    String digest = node.path("digest").asString("");
    long size = node.path("size").asLong(-1);
    if (!Digests.DIGEST.matcher(digest).matches() || size < 0) {
      throw new OciException("the manifest's " + field + " is no valid descriptor");
    }
    return new Descriptor(node.path("mediaType").asString(""), digest, size);
  }

  private static JsonNode read(JsonMapper json, byte[] content) throws OciException {
    try {
      JsonNode manifest = json.readTree(content);
      if (!manifest.isObject()) {
        throw new OciException("the manifest is no JSON object");
      }
      return manifest;
    } catch (JacksonException e) {
      throw new OciException("the manifest is no JSON");
    }
  }
}
