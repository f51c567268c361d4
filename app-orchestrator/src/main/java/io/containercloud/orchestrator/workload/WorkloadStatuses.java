package io.containercloud.orchestrator.workload;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.WorkloadStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last known status of each workload: from {@code workload.status} on {@code cluster-events},
 * and from reads through cluster-service's API when no event came for a while (Kafka away). Every
 * instance reads every status (a group of its own, from the topic's end: an instance that starts
 * reads what it needs through the API first), so whichever leads has them.
 */
@Component
public class WorkloadStatuses {

  /** A status and when it was learnt; a null status: the workload is gone. */
  public record Seen(WorkloadStatus status, Instant at) {}

  private static final Duration KEPT = Duration.ofMinutes(30);
  private static final String DELETED = "workload.deleted";

  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Seen> latest = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  WorkloadStatuses(JsonMapper json) {
    this.json = json;
  }

  @KafkaListener(
      topics = Topic.Placeholders.CLUSTER_EVENTS,
      groupId =
          "${platform.apps.workload-status.consumer-group:app-orchestrator-status}-${random.uuid}",
      properties = "auto.offset.reset=latest")
  void onEvent(ConsumerRecord<String, String> record) {
    CloudEvent event = CloudEvent.read(json, record.value());
    if (WorkloadStatus.TYPE.value().equals(event.type())) {
      learnt(WorkloadStatus.from(event, json));
    } else if (DELETED.equals(event.type()) && event.subject() != null) {
      int slash = event.subject().indexOf('/');
      if (slash > 0) {
        gone(event.subject().substring(0, slash), event.subject().substring(slash + 1));
      }
    }
  }

  /** Records {@code status} unless a later version is known; tells the listeners. */
  public void learnt(WorkloadStatus status) {
    String key = key(status.tenant(), status.name());
    Seen seen = new Seen(status, clock.instant());
    latest.merge(
        key, seen, (old, now) -> old.status().version() > now.status().version() ? old : now);
    listeners.forEach(l -> l.accept(key));
  }

  /** The workload was not found: nothing runs. */
  public void gone(String tenant, String name) {
    latest.remove(key(tenant, name));
  }

  public Optional<Seen> get(String tenant, String name) {
    return Optional.ofNullable(latest.get(key(tenant, name)));
  }

  /** Calls {@code listener} with {@code tenant/name} whenever a status is learnt. */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** Forgets what nobody asked about for a long time. */
  public void prune() {
    Instant before = clock.instant().minus(KEPT);
    latest.values().removeIf(seen -> seen.at().isBefore(before));
  }

  public static String key(String tenant, String name) {
    return tenant + "/" + name;
  }
}
