package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code image.synced} on {@code image-events}, keyed {@code <source registry>/<repository>} like
 * the push it follows: a room's registry holds a tagged image whole (its manifests and every blob,
 * digests checked), copied there by a sync policy from the registry it was pushed to, or found
 * there already. Produced by build-service, once per execution, image and room; consumed by
 * cluster-service, which rolls a followed image into a room only once that room holds it.
 *
 * @param sourceRegistry the registry the image was copied from ({@code 127.0.0.1:15000})
 * @param registry the room's registry that holds it now
 * @param room the room (the cluster) that registry serves
 * @param repository the repository, the same in both registries ({@code acme/orders})
 * @param tag the tag
 * @param digest the manifest's digest, the same in both registries
 */
public record ImageSynced(
    String sourceRegistry,
    String registry,
    String room,
    String repository,
    String tag,
    String digest) {

  /** Version 1 of this definition. */
  public static final EventType TYPE =
      new EventType() {
        @Override
        public String value() {
          return "image.synced";
        }

        @Override
        public String dataschema() {
          return "https://containercloud.io/schemas/image.synced/v1";
        }
      };

  /**
   * @throws IllegalArgumentException when a part is not what the OCI grammar allows
   */
  public ImageSynced {
    ImageNames.check("source registry", sourceRegistry, ImageNames.REGISTRY, 255);
    ImageNames.check("registry", registry, ImageNames.REGISTRY, 255);
    ImageNames.check("room", room, ImageNames.ROOM, 63);
    ImageNames.check("repository", repository, ImageNames.REPOSITORY, 255);
    ImageNames.check("tag", tag, ImageNames.TAG, 128);
    ImageNames.check("digest", digest, ImageNames.DIGEST, 71);
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
  public static ImageSynced from(CloudEvent event, JsonMapper json) {
    return ImageNames.read(event, json, ImageSynced.class, "image.synced");
  }
}
