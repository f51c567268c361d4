package io.containercloud.orchestrator.workload;

import io.containercloud.common.event.contract.WorkloadStatus;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A workload as cluster-service's API shows it (the members the orchestrator reads).
 *
 * @param state {@code ACTIVE}, or {@code DELETING} while it is removed from its clusters
 * @param version its version, the ETag a change names in {@code If-Match}
 */
public record WorkloadResponse(
    String tenant,
    String name,
    String image,
    int replicas,
    Autoscale autoscale,
    String state,
    long version,
    JsonNode spec,
    List<WorkloadStatus.Cluster> clusters) {

  public WorkloadResponse {
    clusters = clusters == null ? List.of() : List.copyOf(clusters);
  }

  public boolean deleting() {
    return "DELETING".equals(state);
  }

  /** The application its spec names. */
  public String application() {
    return spec == null || spec.get("application") == null
        ? null
        : spec.get("application").asString();
  }

  /** What its clusters run, as {@code workload.status} would say it. */
  public WorkloadStatus status() {
    return new WorkloadStatus(tenant, name, version, image, replicas, clusters);
  }
}
