package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
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

  // the OCI distribution grammar for names and tags; a registry host as a DNS name or IPv4, with
  // an optional port
  private static final Pattern REGISTRY =
      Pattern.compile(
          "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:[0-9]{1,5})?");
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  /**
   * @throws IllegalArgumentException when a part is not what the OCI grammar allows
   */
  public ImagePushed {
    check("registry", registry, REGISTRY, 255);
    check("repository", repository, REPOSITORY, 255);
    check("tag", tag, TAG, 128);
    check("digest", digest, DIGEST, 71);
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
    JsonNode data = event.data();
    try {
      ImagePushed read = data == null ? null : json.treeToValue(data, ImagePushed.class);
      if (read == null) {
        throw new UnreadableEventException("event " + event.id() + " has no image data");
      }
      return read;
    } catch (JacksonException | IllegalArgumentException e) {
      throw new UnreadableEventException(
          "event " + event.id() + " is not image.pushed data: " + e.getMessage());
    }
  }

  private static void check(String part, String value, Pattern pattern, int max) {
    if (value == null || value.length() > max || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid image " + part + ": " + shown(value));
    }
  }

  // a hostile value is named in logs by its start only
  private static String shown(String value) {
    return value == null ? "none" : value.length() > 80 ? value.substring(0, 80) + "..." : value;
  }
}
