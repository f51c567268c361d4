package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code image.scanned} on {@code image-events}, keyed by the digest: a vulnerability scan of an
 * image, as Harbor reported it ({@code scan_overview}) or as a scanner attached it through
 * build-service's API. Produced by build-service; consumed by cluster-service, whose image gate
 * lets a tenant's image deploy only with a passing report. A later report of the same digest
 * replaces the earlier one.
 *
 * @param digest the image manifest's digest: a report holds for that content wherever it lives
 * @param scanner who scanned it ({@code Trivy v0.50.1})
 * @param summary how many vulnerabilities of each severity, Harbor's names ({@code Critical},
 *     {@code High}, {@code Medium}, {@code Low}, {@code Negligible}, {@code Unknown}); none is an
 *     empty map
 */
public record ImageScanned(String digest, String scanner, Map<String, Integer> summary) {

  /** The severities, least severe first, as Harbor names them. */
  public static final List<String> SEVERITIES =
      List.of("None", "Unknown", "Negligible", "Low", "Medium", "High", "Critical");

  /** Version 1 of this definition. */
  public static final EventType TYPE =
      new EventType() {
        @Override
        public String value() {
          return "image.scanned";
        }

        @Override
        public String dataschema() {
          return "https://containercloud.io/schemas/image.scanned/v1";
        }
      };

  private static final Pattern SCANNER = Pattern.compile("[A-Za-z0-9 ._+:()/@-]{1,128}");

  /**
   * @throws IllegalArgumentException when a part is not what the definition allows
   */
  public ImageScanned {
    ImageNames.check("digest", digest, ImageNames.DIGEST, 71);
    ImageNames.check("scanner", scanner, SCANNER, 128);
    if (summary == null) {
      throw new IllegalArgumentException("invalid scan summary: none");
    }
    summary.forEach(
        (severity, count) -> {
          if (!SEVERITIES.contains(severity) || count == null || count < 0) {
            throw new IllegalArgumentException("invalid scan summary: " + severity + "=" + count);
          }
        });
    // most severe first, as Harbor shows them
    Map<String, Integer> ordered = new LinkedHashMap<>();
    for (int i = SEVERITIES.size() - 1; i >= 0; i--) {
      Integer count = summary.get(SEVERITIES.get(i));
      if (count != null) {
        ordered.put(SEVERITIES.get(i), count);
      }
    }
    summary = Collections.unmodifiableMap(ordered);
  }

  /** The Kafka key: one digest's reports stay in order. */
  public String key() {
    return digest;
  }

  /**
   * The data of {@code event}, checked as the constructor does.
   *
   * @throws UnreadableEventException when the event is not this type's data
   */
  public static ImageScanned from(CloudEvent event, JsonMapper json) {
    return ImageNames.read(event, json, ImageScanned.class, "image.scanned");
  }
}
