package io.containercloud.nginxmgr.agent;

import io.containercloud.nginx.model.AgentReport;
import io.containercloud.nginxmgr.store.ObjectStatus;
import java.util.ArrayList;
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
    return statuses(reports.of(cluster));
  }

  @Override
  public ObjectStatus justWritten(String cluster) {
    List<String> hosts = reports.liveHosts(cluster);
    return hosts.isEmpty()
        ? new ObjectStatus("no-agents", null, List.of())
        : new ObjectStatus("pending", null, hosts);
  }

  private static ObjectStatus.ForCluster statuses(List<AgentReport> live) {
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
    List<String> refusing = new ArrayList<>();
    String reason = null;
    for (AgentReport report : live) {
      for (AgentReport.Rejection r : report.rejected()) {
        if (r.kind().equals(kind) && r.name().equals(name) && r.revision() == revision) {
          refusing.add(report.host());
          reason = reason == null ? r.reason() : reason;
        }
      }
    }
    return refusing.isEmpty()
        ? new ObjectStatus("applied", null, List.of())
        : new ObjectStatus("rejected", reason, refusing.stream().sorted().toList());
  }
}
