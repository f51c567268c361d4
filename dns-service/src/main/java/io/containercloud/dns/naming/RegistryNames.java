package io.containercloud.dns.naming;

import io.containercloud.common.consumer.IdempotentConsumer;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.RoomRegistry;
import io.containercloud.dns.model.RecordType;
import io.containercloud.dns.record.RecordService;
import io.containercloud.dns.record.RecordService.Draft;
import io.containercloud.dns.record.RecordService.Upsert;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps each machine room's registry name ({@code registry.<room>.<zone>}, announced by
 * build-service as {@link RoomRegistry} on {@code image-events}) pointing at the registry: an A set
 * when it was registered by IPv4 address, a CNAME to its host otherwise, owned by {@code
 * registry:<room>}. A removed registry's name goes. Each event is handled once; a name outside
 * every managed zone, or one someone else owns, is logged and left alone.
 */
@Component
class RegistryNames {

  static final String CONSUMER = "dns-registry-names";
  private static final Logger log = LoggerFactory.getLogger(RegistryNames.class);
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final String PLATFORM = "platform";

  private final RecordService records;
  private final NamingProperties properties;
  private final IdempotentConsumer idempotent;
  private final JsonMapper json;

  RegistryNames(
      RecordService records,
      NamingProperties properties,
      IdempotentConsumer idempotent,
      JsonMapper json) {
    this.records = records;
    this.properties = properties;
    this.idempotent = idempotent;
    this.json = json;
  }

  @KafkaListener(
      topics = Topic.Placeholders.IMAGE_EVENTS,
      groupId = "${platform.dns.naming.registry-consumer-group:dns-service-registry-names}")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event = CloudEvent.read(json, record.value());
    boolean registered = RoomRegistry.REGISTERED.value().equals(event.type());
    if (!registered && !RoomRegistry.REMOVED.value().equals(event.type())) {
      return; // image-events carries pushes and syncs for other consumers
    }
    RoomRegistry registry = RoomRegistry.from(event, json);
    try {
      idempotent.process(CONSUMER, event.id(), () -> apply(registry, registered));
    } catch (ProblemException refused) {
      // a zone the platform does not manage (yet): retrying would hold up every later event
      log.warn(
          "registry {} of room {} gets no name {}: {}",
          registry.name(),
          registry.room(),
          registry.dnsName(),
          refused.getMessage());
    }
  }

  private void apply(RoomRegistry registry, boolean registered) {
    String owner = "registry:" + registry.room();
    if (!registered) {
      records.deleteOwned(owner, EnumSet.of(RecordType.A, RecordType.CNAME));
      return;
    }
    RecordType type = IPV4.matcher(registry.host()).matches() ? RecordType.A : RecordType.CNAME;
    // a registry moved from an address to a host name (or back) leaves no stale set
    records.deleteOwned(owner, EnumSet.of(type == RecordType.A ? RecordType.CNAME : RecordType.A));
    Upsert outcome =
        records.upsertOwned(
            new Draft(registry.dnsName(), type.name(), properties.ttl(), List.of(registry.host())),
            owner,
            PLATFORM);
    if (outcome == Upsert.OWNED_ELSEWHERE) {
      log.warn(
          "{} is owned by someone else: not pointed at registry {}",
          registry.dnsName(),
          registry.name());
    }
  }
}
