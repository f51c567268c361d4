package io.containercloud.cluster.events;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.EndpointsChanged;
import io.containercloud.common.event.contract.WorkloadStatus;
import io.containercloud.common.outbox.Outbox;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The events of cluster-service, written to the outbox inside the transaction of the decision they
 * announce: {@code cluster-events} for decisions, {@code endpoint-events} for the ready pod
 * addresses of the services it deployed (compacted, keyed {@code cluster/namespace/service}).
 */
@Component
public class ClusterEvents {

  /** The types on {@code cluster-events}. */
  public enum Type implements EventType {
    WORKLOAD_PLACED("workload.placed"),
    WORKLOAD_SCALED("workload.scaled"),
    WORKLOAD_IMAGE_CHANGED("workload.image-changed"),
    WORKLOAD_SPEC_CHANGED("workload.spec-changed"),
    WORKLOAD_UPGRADED("workload.upgraded"),
    WORKLOAD_DELETED("workload.deleted"),
    WORKLOAD_MIGRATED("workload.migrated"),
    CLUSTER_FAILED("cluster.failed"),
    CLUSTER_RECOVERED("cluster.recovered"),
    CERT_EXPIRING("cluster.cert-expiring");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    @Override
    public String value() {
      return value;
    }
  }

  private static final String SOURCE = "/cluster-service";
  private static final String PLATFORM = "platform";

  private final Outbox outbox;
  private final JsonMapper json;

  ClusterEvents(Outbox outbox, JsonMapper json) {
    this.outbox = outbox;
    this.json = json;
  }

  /** A fresh payload to fill. */
  public ObjectNode data() {
    return json.createObjectNode();
  }

  /** An event about a workload, keyed {@code tenant/name} so one workload's events stay ordered. */
  public void workload(Type type, String tenant, String name, JsonNode data) {
    outbox.append(
        Topic.CLUSTER_EVENTS, CloudEvent.of(SOURCE, type, tenant + "/" + name, tenant, data));
  }

  /** What a workload's clusters run now, keyed like the workload's other events. */
  public void status(WorkloadStatus status) {
    outbox.append(
        Topic.CLUSTER_EVENTS,
        CloudEvent.of(
            SOURCE,
            WorkloadStatus.TYPE,
            status.tenant() + "/" + status.name(),
            status.tenant(),
            json.valueToTree(status)));
  }

  /** An event about a cluster, keyed by its name. */
  public void cluster(Type type, String cluster, JsonNode data) {
    outbox.append(Topic.CLUSTER_EVENTS, CloudEvent.of(SOURCE, type, cluster, PLATFORM, data));
  }

  /**
   * The ready addresses of a workload's Service in one cluster (empty: none may take traffic), in
   * the shared {@link EndpointsChanged} definition that nginx-mgr and dns-service read.
   */
  public void endpoints(
      String cluster,
      String namespace,
      String service,
      String application,
      List<String> addresses) {
    EndpointsChanged data =
        new EndpointsChanged(cluster, namespace, service, application, addresses);
    outbox.append(
        Topic.ENDPOINT_EVENTS,
        data.key(),
        CloudEvent.of(
            SOURCE, EndpointsChanged.TYPE, data.key(), namespace, json.valueToTree(data)));
  }
}
