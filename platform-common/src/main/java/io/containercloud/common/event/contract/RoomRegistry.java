package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code registry.registered} and {@code registry.removed} on {@code image-events}, keyed {@code
 * room/<room>}: a machine room's image registry, by which name that room's clusters pull from it.
 * Produced by build-service when a platform admin registers or removes a registry; consumed by
 * dns-service, which points {@code dnsName} at the registry's host, and by cluster-service, which
 * writes each room's images with {@link #pullHost()} and knows which registry a room pulls from.
 *
 * @param name the registry's name in the platform ({@code room-1})
 * @param room the room (the cluster) it serves
 * @param registry its host as registered, with its port when it has one ({@code 127.0.0.1:15000})
 * @param dnsName the name the platform keeps for it: {@code registry.<room>.<platform zone>}
 */
public record RoomRegistry(String name, String room, String registry, String dnsName) {

  /** Version 1: a registry was registered. */
  public static final EventType REGISTERED = type("registry.registered");

  /** Version 1: a registry was removed; the data is what it was. */
  public static final EventType REMOVED = type("registry.removed");

  /**
   * @throws IllegalArgumentException when a part is not what the grammar allows
   */
  public RoomRegistry {
    ImageNames.check("registry name", name, ImageNames.ROOM, 63);
    ImageNames.check("room", room, ImageNames.ROOM, 63);
    ImageNames.check("registry", registry, ImageNames.REGISTRY, 255);
    ImageNames.check("registry DNS name", dnsName, ImageNames.REGISTRY, 253);
    if (dnsName.contains(":")) {
      throw new IllegalArgumentException("invalid registry DNS name: a port in " + dnsName);
    }
  }

  /** The Kafka key: one room's registrations stay in order. */
  public String key() {
    return "room/" + room;
  }

  /** The registry's host without its port: what {@link #dnsName} points at. */
  public String host() {
    int colon = registry.indexOf(':');
    return colon < 0 ? registry : registry.substring(0, colon);
  }

  /** The host images of this room are pulled from: {@link #dnsName} with the registry's port. */
  public String pullHost() {
    int colon = registry.indexOf(':');
    return colon < 0 ? dnsName : dnsName + registry.substring(colon);
  }

  /**
   * The data of {@code event}, checked as the constructor does.
   *
   * @throws UnreadableEventException when the event is not this type's data
   */
  public static RoomRegistry from(CloudEvent event, JsonMapper json) {
    return ImageNames.read(event, json, RoomRegistry.class, event.type());
  }

  private static EventType type(String value) {
    return new EventType() {
      @Override
      public String value() {
        return value;
      }

      @Override
      public String dataschema() {
        return "https://containercloud.io/schemas/" + value + "/v1";
      }
    };
  }
}
