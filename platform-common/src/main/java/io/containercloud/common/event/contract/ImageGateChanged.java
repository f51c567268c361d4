package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code image.gate-changed} on {@code image-events}, keyed {@code gate/<tenant>}: a tenant's image
 * gate as a platform admin set it in build-service. Consumed by cluster-service, which then refuses
 * to deploy the tenant's images without a passing scan ({@link ImageScanned}).
 *
 * @param enabled whether the tenant's images need a passing scan to deploy
 * @param blockAt the least severity that fails a scan ({@code High}: any High or Critical
 *     vulnerability blocks), one of Harbor's names from {@code Negligible} up
 */
public record ImageGateChanged(String tenant, boolean enabled, String blockAt) {

  /** Version 1 of this definition. */
  public static final EventType TYPE =
      new EventType() {
        @Override
        public String value() {
          return "image.gate-changed";
        }

        @Override
        public String dataschema() {
          return "https://containercloud.io/schemas/image.gate-changed/v1";
        }
      };

  /**
   * @throws IllegalArgumentException when a part is not what the definition allows
   */
  public ImageGateChanged {
    ImageNames.check("tenant", tenant, ImageNames.ROOM, 63);
    if (ImageScanned.SEVERITIES.indexOf(blockAt) < ImageScanned.SEVERITIES.indexOf("Negligible")) {
      throw new IllegalArgumentException("invalid gate severity: " + blockAt);
    }
  }

  /** The Kafka key: one tenant's changes stay in order. */
  public String key() {
    return "gate/" + tenant;
  }

  /**
   * The data of {@code event}, checked as the constructor does.
   *
   * @throws UnreadableEventException when the event is not this type's data
   */
  public static ImageGateChanged from(CloudEvent event, JsonMapper json) {
    return ImageNames.read(event, json, ImageGateChanged.class, "image.gate-changed");
  }
}
