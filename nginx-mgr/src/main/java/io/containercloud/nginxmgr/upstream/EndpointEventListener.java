package io.containercloud.nginxmgr.upstream;

import io.containercloud.common.consumer.SkippedEvents;
import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.EndpointsChanged;
import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.Syntax;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.Documents.Versioned;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps container groups' members equal to the ready pod addresses that {@code endpoint-events}
 * announce ({@link EndpointsChanged}: compacted, keyed {@code <cluster>/<namespace>/<service>}; a
 * tombstone empties the group). The latest addresses of each service are kept in etcd ({@code
 * /nginx/v1/endpoints/<cluster>/<namespace>/ <service>}) before the upstreams are updated from
 * there, so an upstream created or pointed at a service later starts with its members too; a
 * service without addresses (deleted, or scaled to zero) keeps no key, so deleted services do not
 * pile up. The events of a poll are applied together, the upstreams listed once for them (one
 * listing per event was most of nginx-mgr's and etcd's work while a platform started fifty
 * applications). Setting the members to the stored list is idempotent, so a redelivered poll
 * changes nothing. A malformed event is skipped; etcd being away retries the poll, so no event is
 * lost.
 */
@Component
class EndpointEventListener {

  private static final Pattern NAME = Pattern.compile(Syntax.NAME);

  private final Documents documents;
  private final JsonMapper json;

  EndpointEventListener(Documents documents, JsonMapper json) {
    this.documents = documents;
    this.json = json;
  }

  record Service(String cluster, String namespace, String service) {}

  /** The latest ready addresses of a service, as stored. */
  record Addresses(List<String> addresses) {}

  /**
   * A poll's events at once: the last of each service counts (the topic is keyed and compacted by
   * service), and the upstreams are listed once for all of them rather than once per event.
   */
  @KafkaListener(
      topics = Topic.Placeholders.ENDPOINT_EVENTS,
      groupId = "${platform.nginx.endpoints.consumer-group:nginx-mgr-endpoints}",
      batch = "true")
  void onEvents(List<ConsumerRecord<String, String>> records) {
    Map<Service, List<String>> latest = new HashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      try {
        read(record, latest);
      } catch (UnreadableEventException e) {
        SkippedEvents.unreadable(record, e.getMessage());
      }
    }
    apply(latest);
  }

  private void read(ConsumerRecord<String, String> record, Map<Service, List<String>> latest) {
    if (record.value() == null) {
      String[] parts = record.key() == null ? new String[0] : record.key().split("/");
      if (parts.length != 3) {
        throw new UnreadableEventException("tombstone with key " + record.key());
      }
      latest.put(service(parts[0], parts[1], parts[2]), List.of());
      return;
    }
    EndpointsChanged endpoints = EndpointsChanged.read(record.value(), json);
    latest.put(
        service(endpoints.cluster(), endpoints.namespace(), endpoints.service()),
        endpoints.addresses().stream().distinct().sorted().toList());
  }

  /**
   * Stores each service's addresses, then every upstream (any nginx cluster) whose container group
   * is one of these services gets them as members.
   */
  void apply(Map<Service, List<String>> latest) {
    if (latest.isEmpty()) {
      return;
    }
    latest.forEach(
        (service, members) -> {
          if (members.isEmpty()) {
            documents.unset(key(service));
          } else {
            documents.set(key(service), new Addresses(members));
          }
        });
    List<String> clusters =
        documents
            .list(
                NginxKeys.CLUSTERS,
                NginxCluster.class,
                null,
                100_000,
                key -> !key.contains("/"),
                c -> true)
            .items()
            .stream()
            .map(c -> c.value().name())
            .toList();
    for (String cluster : clusters) {
      documents
          .list(
              NginxKeys.upstreams(cluster),
              Upstream.class,
              null,
              100_000,
              key -> true,
              u -> u.container() != null && latest.containsKey(serviceOf(u.container())))
          .items()
          .forEach(upstream -> update(cluster, upstream));
    }
  }

  /**
   * An upstream just written by a client, with its container group's members set from the stored
   * addresses (the client's are never taken); the upstream as it now stands.
   */
  Versioned<Upstream> fill(String cluster, Versioned<Upstream> upstream) {
    if (upstream.value().container() == null) {
      return upstream;
    }
    update(cluster, upstream);
    return documents
        .get(NginxKeys.upstreams(cluster) + upstream.value().name(), Upstream.class)
        .orElse(upstream);
  }

  private List<String> latest(Upstream.ContainerGroup group) {
    return documents
        .get(key(serviceOf(group)), Addresses.class)
        .map(a -> a.value().addresses())
        .orElse(List.of());
  }

  private static String key(Service service) {
    return NginxKeys.ROOT
        + "endpoints/"
        + service.cluster()
        + "/"
        + service.namespace()
        + "/"
        + service.service();
  }

  private static Service serviceOf(Upstream.ContainerGroup group) {
    return new Service(group.cluster(), group.namespace(), group.service());
  }

  /**
   * Sets the upstream's members to the stored addresses of its service, reading both again after a
   * conflict, so a writer holding older addresses never overwrites newer ones.
   */
  private void update(String cluster, Versioned<Upstream> upstream) {
    String key = NginxKeys.upstreams(cluster) + upstream.value().name();
    Versioned<Upstream> current = upstream;
    List<String> members = latest(current.value().container());
    while (!members.equals(current.value().container().members())) {
      try {
        documents.replace(
            key,
            current.value().withMembers(members),
            current.revision(),
            documents.touch(cluster));
        return;
      } catch (ProblemException e) {
        if (e.status() != HttpStatus.CONFLICT && e.status() != HttpStatus.NOT_FOUND) {
          throw e;
        }
        // changed or removed meanwhile: read it again
        Optional<Versioned<Upstream>> again = documents.get(key, Upstream.class);
        if (again.isEmpty() || again.get().value().container() == null) {
          return;
        }
        current = again.get();
        members = latest(current.value().container());
      }
    }
  }

  private static Service service(String cluster, String namespace, String service) {
    if (!NAME.matcher(cluster).matches()
        || !NAME.matcher(namespace).matches()
        || !NAME.matcher(service).matches()) {
      throw new UnreadableEventException(
          "endpoint event names no valid cluster/namespace/service: "
              + cluster
              + "/"
              + namespace
              + "/"
              + service);
    }
    return new Service(cluster, namespace, service);
  }
}
