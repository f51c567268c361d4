package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code image.pushed} on {@code image-events}, keyed {@code <registry>/<repository>}: a tagged
 * image manifest was pushed to a registry (the local distribution registry or Harbor), as its
 * notification told build-service. Produced by build-service, once per registry, repository, tag
 * and digest however often the registry repeats the notification; consumed by cluster-service,
 * which rolls the workloads that follow the repository and a matching tag. The event's tenant is
 * the repository's project, its first path component.
 *
 * @param registry the registry's host, with its port when it has one ({@code 127.0.0.1:15000})
 * @param repository the repository inside it ({@code acme/orders})
 * @param tag the tag pushed
 * @param digest the manifest's digest ({@code sha256:<64 hex>})
 */
public record ImagePushed(String registry, String repository, String tag, String digest) {

  /** Version 1 of this definition. */
  public static final EventType TYPE =
      new EventType() {
        @Override
        public String value() {
          return "image.pushed";
        }

        @Override
        public String dataschema() {
          return "https://containercloud.io/schemas/image.pushed/v1";
        }
      };

  /**
   * @throws IllegalArgumentException when a part is not what the OCI grammar allows
   */
  public ImagePushed {
    ImageNames.check("registry", registry, ImageNames.REGISTRY, 255);
    ImageNames.check("repository", repository, ImageNames.REPOSITORY, 255);
    ImageNames.check("tag", tag, ImageNames.TAG, 128);
    ImageNames.check("digest", digest, ImageNames.DIGEST, 71);
  }

  /** The Kafka key, and the event's subject: one repository's pushes stay in order. */
  public String key() {
    return registry + "/" + repository;
  }

  /** The project the repository lives in: its first path component, a tenant's. */
  public String project() {
    int slash = repository.indexOf('/');
    return slash < 0 ? repository : repository.substring(0, slash);
  }

  /** The image by digest, as a workload runs it: {@code <registry>/<repository>@<digest>}. */
  public String imageByDigest() {
    return registry + "/" + repository + "@" + digest;
  }

  /**
   * The data of {@code event}, checked as the constructor does.
   *
   * @throws UnreadableEventException when the event is not this type's data
   */
  public static ImagePushed from(CloudEvent event, JsonMapper json) {
    return ImageNames.read(event, json, ImagePushed.class, "image.pushed");
  }
}
