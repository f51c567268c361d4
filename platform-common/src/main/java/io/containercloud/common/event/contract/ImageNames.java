package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OCI distribution grammar for the parts of an image reference the image events carry. */
final class ImageNames {

  // a registry host as a DNS name or IPv4, with an optional port
  static final Pattern REGISTRY =
      Pattern.compile(
          "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:[0-9]{1,5})?");
  static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
  static final Pattern ROOM = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private ImageNames() {}

  /** The data of {@code event} as {@code type}, checked as its constructor checks it. */
  static <T> T read(CloudEvent event, JsonMapper json, Class<T> type, String name) {
    JsonNode data = event.data();
    try {
      T read = data == null ? null : json.treeToValue(data, type);
      if (read == null) {
        throw new UnreadableEventException("event " + event.id() + " has no image data");
      }
      return read;
    } catch (JacksonException | IllegalArgumentException e) {
      throw new UnreadableEventException(
          "event " + event.id() + " is not " + name + " data: " + e.getMessage());
    }
  }

  static void check(String part, String value, Pattern pattern, int max) {
    if (value == null || value.length() > max || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid image " + part + ": " + shown(value));
    }
  }

  // a hostile value is named in logs by its start only
  private static String shown(String value) {
    return value == null ? "none" : value.length() > 80 ? value.substring(0, 80) + "..." : value;
  }
}
