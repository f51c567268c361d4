package io.containercloud.build.registry.rooms;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.RoomRegistry;
import io.containercloud.common.outbox.Outbox;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells the platform which registry serves which room and by which name ({@link RoomRegistry} on
 * {@code image-events}, through the outbox in the transaction of the change): dns-service keeps the
 * name, cluster-service pulls each room's images by it. At start, a registry whose name was never
 * announced, or was announced in another zone, is announced again.
 */
@Component
class RegistryAnnouncements implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(RegistryAnnouncements.class);
  private static final String SOURCE = "/build-service";
  private static final String PLATFORM = "platform";

  private final ImageRegistryRepository registries;
  private final RegistryNameProperties names;
  private final Outbox outbox;
  private final JsonMapper json;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;

  RegistryAnnouncements(
      ImageRegistryRepository registries,
      RegistryNameProperties names,
      Outbox outbox,
      JsonMapper json,
      JdbcTemplate jdbc,
      TransactionTemplate tx) {
    this.registries = registries;
    this.names = names;
    this.outbox = outbox;
    this.json = json;
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /** Announces {@code registry}, in the caller's transaction. */
  void registered(ImageRegistry registry) {
    RoomRegistry announced = of(registry);
    jdbc.update(
        "UPDATE image_registry SET dns_name = ? WHERE id = ?", announced.dnsName(), registry.id());
    append(RoomRegistry.REGISTERED, announced);
  }

  /** Announces that {@code registry} is gone, in the caller's transaction. */
  void removed(ImageRegistry registry) {
    append(RoomRegistry.REMOVED, of(registry));
  }

  @Override
  public void run(ApplicationArguments args) {
    for (ImageRegistry registry : registries.findAll()) {
      if (!Objects.equals(registry.dnsName(), names.dnsName(registry.room()))) {
        tx.executeWithoutResult(status -> registered(registry));
        log.info(
            "registry {} of room {} announced as {}",
            registry.name(),
            registry.room(),
            names.dnsName(registry.room()));
      }
    }
  }

  private RoomRegistry of(ImageRegistry registry) {
    return new RoomRegistry(
        registry.name(), registry.room(), registry.authority(), names.dnsName(registry.room()));
  }

  private void append(EventType type, RoomRegistry registry) {
    outbox.append(
        Topic.IMAGE_EVENTS,
        registry.key(),
        CloudEvent.of(SOURCE, type, registry.key(), PLATFORM, json.valueToTree(registry)));
  }
}
