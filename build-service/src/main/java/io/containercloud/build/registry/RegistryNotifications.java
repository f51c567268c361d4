package io.containercloud.build.registry;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.contract.ImagePushed;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The tagged manifest pushes in a registry's notification, in the three forms build-service takes:
 * the distribution registry's event envelope, and Harbor's webhook payloads in its Default JSON and
 * its CloudEvents format. Everything else a notification may carry (blob uploads, pulls, deletions,
 * scans, pushes by digest without a tag) is left out: no workload follows it.
 */
final class RegistryNotifications {

  /** What the distribution registry sends. */
  static final String DISTRIBUTION = "application/vnd.docker.distribution.events.v1+json";

  /** What Harbor sends with the CloudEvents payload format (Harbor 2.8 and later). */
  static final String CLOUDEVENTS = "application/cloudevents+json";

  private static final Set<String> MANIFESTS =
      Set.of(
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private RegistryNotifications() {}

  /**
   * @param contentType the notification's media type, without parameters: {@link #DISTRIBUTION},
   *     {@link #CLOUDEVENTS} or {@code application/json}
   * @throws ProblemException 400 when a push names an image outside the OCI grammar
   */
  static List<ImagePushed> pushes(String contentType, JsonNode body) {
    return switch (contentType) {
      case DISTRIBUTION -> distribution(body);
      case CLOUDEVENTS ->
          "harbor.artifact.pushed".equals(body.path("type").stringValue(null))
              ? harbor(body.path("data"))
              : List.of();
      default -> // application/json, Harbor's Default payload
          "PUSH_ARTIFACT".equals(body.path("type").stringValue(null))
              ? harbor(body.path("event_data"))
              : List.of();
    };
  }

  /** An artifact whose scan Harbor announced as finished. */
  record Scan(String registry, String repository, String digest) {}

  /**
   * The finished scans in a Harbor notification ({@code SCANNING_COMPLETED}, {@code
   * harbor.scan.completed}); none in any other.
   *
   * @throws ProblemException 400 when a scan names an image outside the OCI grammar
   */
  static List<Scan> scans(String contentType, JsonNode body) {
    String type = body.path("type").stringValue("");
    JsonNode data =
        switch (contentType) {
          case CLOUDEVENTS -> "harbor.scan.completed".equals(type) ? body.path("data") : null;
          case DISTRIBUTION -> null;
          default -> "SCANNING_COMPLETED".equals(type) ? body.path("event_data") : null;
        };
    if (data == null) {
      return List.of();
    }
    String repository = data.path("repository").path("repo_full_name").stringValue(null);
    List<Scan> scans = new ArrayList<>();
    int index = 0;
    for (JsonNode resource : data.path("resources")) {
      String url = resource.path("resource_url").stringValue("");
      int slash = url.indexOf('/');
      // checked as a push is: the same grammar for host, repository and digest
      ImagePushed checked =
          push(
              "resources[" + index + "]",
              slash < 0 ? url : url.substring(0, slash),
              repository,
              "scanned",
              resource.path("digest").stringValue(null));
      scans.add(new Scan(checked.registry(), checked.repository(), checked.digest()));
      index++;
    }
    return scans;
  }

  // {"events":[{"action":"push","target":{"mediaType","digest","repository","url","tag"},...}]}
  private static List<ImagePushed> distribution(JsonNode body) {
    List<ImagePushed> pushes = new ArrayList<>();
    int index = 0;
    for (JsonNode event : body.path("events")) {
      JsonNode target = event.path("target");
      String tag = target.path("tag").stringValue(null);
      if ("push".equals(event.path("action").stringValue(null))
          && MANIFESTS.contains(target.path("mediaType").stringValue(""))
          && tag != null) {
        pushes.add(
            push(
                "events[" + index + "].target",
                authority(target.path("url").stringValue("")),
                target.path("repository").stringValue(null),
                tag,
                target.path("digest").stringValue(null)));
      }
      index++;
    }
    return pushes;
  }

  // {"resources":[{"digest","tag","resource_url":"<host>/<project>/<repo>:<tag>"}],
  //  "repository":{"repo_full_name":"<project>/<repo>",...}}
  private static List<ImagePushed> harbor(JsonNode data) {
    String repository = data.path("repository").path("repo_full_name").stringValue(null);
    List<ImagePushed> pushes = new ArrayList<>();
    int index = 0;
    for (JsonNode resource : data.path("resources")) {
      String tag = resource.path("tag").stringValue(null);
      if (tag != null && !tag.isEmpty()) {
        String url = resource.path("resource_url").stringValue("");
        int slash = url.indexOf('/');
        pushes.add(
            push(
                "resources[" + index + "]",
                slash < 0 ? url : url.substring(0, slash),
                repository,
                tag,
                resource.path("digest").stringValue(null)));
      }
      index++;
    }
    return pushes;
  }

  private static ImagePushed push(
      String field, String registry, String repository, String tag, String digest) {
    try {
      return new ImagePushed(registry, repository, tag, digest);
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid(field, e.getMessage());
    }
  }

  private static String authority(String url) {
    try {
      String authority = URI.create(url).getRawAuthority();
      return authority == null ? "" : authority;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
