package io.containercloud.common.event.contract;

import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code workload.status} on {@code cluster-events}, keyed {@code <tenant>/<name>}: what a
 * workload's clusters run now, sent by cluster-service whenever the Ready replicas, the rollout or
 * the error of one of its clusters changed. Consumed by app-orchestrator, whose operations wait for
 * services to be Ready.
 *
 * @param tenant the workload's tenant (its namespace)
 * @param name the workload's name
 * @param version the workload's version (its ETag) when this was seen
 * @param image the image the workload should run everywhere
 * @param replicas the replicas it should have in all
 * @param clusters per cluster, its share and what was seen there
 */
public record WorkloadStatus(
    String tenant, String name, long version, String image, int replicas, List<Cluster> clusters) {

  /** Version 1 of this definition. */
  public static final EventType TYPE =
      new EventType() {
        @Override
        public String value() {
          return "workload.status";
        }

        @Override
        public String dataschema() {
          return "https://containercloud.io/schemas/workload.status/v1";
        }
      };

  /**
   * One cluster's share.
   *
   * @param replicas what it should run
   * @param image what it should run (an upgrade moves one cluster at a time)
   * @param ready Ready replicas seen
   * @param settled whether its Deployment had fully rolled out what was last written
   * @param lastError why it could not be reconciled last time, or null
   * @param waitingFor why it has not taken the workload's image yet, or null
   */
  public record Cluster(
      String cluster,
      int replicas,
      String image,
      int ready,
      boolean settled,
      String lastError,
      String waitingFor) {}

  public WorkloadStatus {
    clusters = clusters == null ? List.of() : List.copyOf(clusters);
  }

  /** Ready replicas in all clusters. */
  public int ready() {
    return clusters.stream().mapToInt(Cluster::ready).sum();
  }

  /**
   * The data of {@code event}.
   *
   * @throws UnreadableEventException when the event is not this type's data
   */
  public static WorkloadStatus from(CloudEvent event, JsonMapper json) {
    JsonNode data = event.data();
    try {
      WorkloadStatus read = data == null ? null : json.treeToValue(data, WorkloadStatus.class);
      if (read == null || read.tenant() == null || read.name() == null) {
        throw new UnreadableEventException("event " + event.id() + " has no workload status");
      }
      return read;
    } catch (JacksonException e) {
      throw new UnreadableEventException(
          "event " + event.id() + " is not workload.status data: " + e.getMessage());
    }
  }
}
