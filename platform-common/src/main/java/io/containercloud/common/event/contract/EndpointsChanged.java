package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code endpoints.changed} on the compacted {@code endpoint-events}, keyed {@code
 * <cluster>/<namespace>/<service>}: the addresses of a workload's ready pods in one Kubernetes
 * cluster (empty: none may take traffic there, for example after a failover or an undeploy).
 * Produced by cluster-service; consumed by nginx-mgr (container members) and dns-service (workload
 * names). The event's tenant is the namespace.
 *
 * @param cluster the Kubernetes cluster
 * @param namespace the namespace (the tenant)
 * @param service the Service, named after the workload
 * @param application the application the workload belongs to
 * @param addresses the ready pods' IP addresses
 */
public record EndpointsChanged(
    String cluster, String namespace, String service, String application, List<String> addresses) {

  /** Version 1 of this definition. */
  public static final EventType TYPE =
      new EventType() {
        @Override
        public String value() {
          return "endpoints.changed";
        }

        @Override
        public String dataschema() {
          return "https://containercloud.io/schemas/endpoints.changed/v1";
        }
      };

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern ADDRESS =
      Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f:]{2,39}");

  public EndpointsChanged {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  /** The Kafka key, and the event's subject. */
  public String key() {
    return cluster + "/" + namespace + "/" + service;
  }

  /**
   * The data of the CloudEvent in a record's value, checked as {@link #from} does.
   *
   * @throws UnreadableEventException when the value is not such an event
   */
  public static EndpointsChanged read(String value, JsonMapper json) {
    CloudEvent event = CloudEvent.read(json, value);
    return from(event, json);
  }

  /**
   * The data of {@code event}, checked: labels are RFC 1123, addresses IP literals.
   *
   * @throws UnreadableEventException when the event is not this type's data
   */
  public static EndpointsChanged from(CloudEvent event, JsonMapper json) {
    JsonNode data = event.data();
    EndpointsChanged read;
    try {
      read = data == null ? null : json.treeToValue(data, EndpointsChanged.class);
    } catch (JacksonException e) {
      throw new UnreadableEventException(
          "event " + event.id() + " is not endpoints data: " + e.getOriginalMessage());
    }
    if (read == null
        || !label(read.cluster)
        || !label(read.namespace)
        || !label(read.service)
        || (read.application != null && !label(read.application))
        || !read.addresses.stream().allMatch(a -> a != null && ADDRESS.matcher(a).matches())) {
      throw new UnreadableEventException("event " + event.id() + " holds invalid endpoints data");
    }
    return read;
  }

  private static boolean label(String value) {
    return value != null && LABEL.matcher(value).matches();
  }
}
