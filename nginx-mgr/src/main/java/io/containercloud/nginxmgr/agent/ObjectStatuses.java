package io.containercloud.nginxmgr.agent;

import io.containercloud.common.nginx.AgentReport;
import io.containercloud.nginxmgr.store.ObjectStatus;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Where a server or upstream stands on the cluster's nginx hosts, from the agents' reports: a
 * tenant sees on its own object that nginx refused it (and why) while everything else is served.
 */
@Component
class ObjectStatuses implements ObjectStatus.Lookup {

  private final AgentReports reports;

  ObjectStatuses(AgentReports reports) {
    this.reports = reports;
  }

  @Override
  public ObjectStatus.ForCluster of(String cluster) {
    List<AgentReport> live = reports.of(cluster);
    return (kind, name, revision) -> status(live, kind, name, revision);
  }

  static ObjectStatus status(List<AgentReport> live, String kind, String name, long revision) {
    if (live.isEmpty()) {
      return new ObjectStatus("no-agents", null, List.of());
    }
    List<String> behind =
        live.stream()
            .filter(r -> r.appliedRevision() < revision)
            .map(AgentReport::host)
            .sorted()
            .toList();
    if (!behind.isEmpty()) {
      return new ObjectStatus("pending", null, behind);
    }
    List<AgentReport> refusing =
        live.stream()
            .filter(
                r ->
                    r.rejected().stream()
                        .anyMatch(
                            x ->
                                x.kind().equals(kind)
                                    && x.name().equals(name)
                                    && x.revision() == revision))
            .toList();
    if (refusing.isEmpty()) {
      return new ObjectStatus("applied", null, List.of());
    }
    String reason =
        refusing.get(0).rejected().stream()
            .filter(x -> x.kind().equals(kind) && x.name().equals(name))
            .map(AgentReport.Rejection::reason)
            .findFirst()
            .orElse(null);
    return new ObjectStatus(
        "rejected", reason, refusing.stream().map(AgentReport::host).sorted().toList());
  }
}
