package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code image.sync-failed} on {@code image-events}, keyed like the push it follows: an attempt to
 * copy a tagged image into a room's registry failed and will be tried again after a backoff (the
 * room still lacks the image, or holds an older one). Produced by build-service at every failed
 * attempt; consumed by cluster-service, whose workloads waiting for that room say why.
 *
 * @param digest the digest being copied, or null when the attempt failed before it was read
 * @param reason what went wrong, as the sync execution records it
 * @param attempts how many attempts failed so far
 */
public record ImageSyncFailed(
    String sourceRegistry,
    String registry,
    String room,
    String repository,
    String tag,
    String digest,
    String reason,
    int attempts) {

  /** Version 1 of this definition. */
  public static final EventType TYPE =
      new EventType() {
        @Override
        public String value() {
          return "image.sync-failed";
        }

        @Override
        public String dataschema() {
          return "https://containercloud.io/schemas/image.sync-failed/v1";
        }
      };

  /**
   * @throws IllegalArgumentException when a part is not what the OCI grammar allows
   */
  public ImageSyncFailed {
    ImageNames.check("source registry", sourceRegistry, ImageNames.REGISTRY, 255);
    ImageNames.check("registry", registry, ImageNames.REGISTRY, 255);
    ImageNames.check("room", room, ImageNames.ROOM, 63);
    ImageNames.check("repository", repository, ImageNames.REPOSITORY, 255);
    ImageNames.check("tag", tag, ImageNames.TAG, 128);
    if (digest != null) {
      ImageNames.check("digest", digest, ImageNames.DIGEST, 71);
    }
    reason = reason == null ? "" : reason.length() > 500 ? reason.substring(0, 500) : reason;
  }

  /** The Kafka key, the push's: a repository's pushes and syncs stay in order. */
  public String key() {
    return sourceRegistry + "/" + repository;
  }

  /**
   * The data of {@code event}, checked as the constructor does.
   *
   * @throws UnreadableEventException when the event is not this type's data
   */
  public static ImageSyncFailed from(CloudEvent event, JsonMapper json) {
    return ImageNames.read(event, json, ImageSyncFailed.class, "image.sync-failed");
  }
}
