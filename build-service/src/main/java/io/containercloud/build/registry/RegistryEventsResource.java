package io.containercloud.build.registry;

import io.containercloud.build.registry.gate.HarborScans;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.common.error.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Where registries announce pushes: the distribution registry's notifications endpoint and Harbor's
 * webhook policy both point here, with the shared secret as their {@code Authorization} header
 * (compared in constant time). Registries call it directly, not through the gateway: they hold no
 * platform token ({@link RegistryEventsSecurity}). Each new tagged manifest push becomes {@code
 * image.pushed}; the answer says how many the notification held and how many were new.
 */
@RestController
class RegistryEventsResource {

  static final String PATH = "/registry/events";

  private final byte[] expected;
  private final ImagePushes pushes;
  private final HarborScans scans;

  RegistryEventsResource(
      RegistryEventsProperties properties, ImagePushes pushes, HarborScans scans) {
    this.expected = ("Bearer " + properties.secret().reveal()).getBytes(StandardCharsets.UTF_8);
    this.pushes = pushes;
    this.scans = scans;
  }

  @PostMapping(
      path = PATH,
      consumes = {
        RegistryNotifications.DISTRIBUTION,
        RegistryNotifications.CLOUDEVENTS,
        MediaType.APPLICATION_JSON_VALUE
      })
  Map<String, Integer> notified(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
      @RequestBody JsonNode body) {
    if (authorization == null
        || !MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
      throw ProblemException.unauthorized(
          "A registry notification needs the shared secret as its Authorization header.");
    }
    String type = contentType.getType() + "/" + contentType.getSubtype();
    var announced = RegistryNotifications.pushes(type, body);
    int reports = 0;
    for (RegistryNotifications.Scan scan : RegistryNotifications.scans(type, body)) {
      try {
        reports += scans.completed(scan.registry(), scan.repository(), scan.digest()) ? 1 : 0;
      } catch (OciException e) {
        // answered as a failure, so Harbor sends the notification again
        throw ProblemException.unavailable("harbor-unreadable", e.getMessage(), e);
      }
    }
    return Map.of("pushes", announced.size(), "new", pushes.record(announced), "scans", reports);
  }
}
