package io.containercloud.nginxmgr.agent;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.nginx.model.AgentReport;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxmgr.store.Documents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Whether every agent of a cluster serves what etcd holds, and what went wrong where not. */
@RestController
class ConvergenceResource {

  private final Documents documents;
  private final AgentReports reports;

  ConvergenceResource(Documents documents, AgentReports reports) {
    this.documents = documents;
    this.reports = reports;
  }

  /**
   * @param revision the newest revision of the cluster's configuration in etcd
   * @param converged whether every agent applied it, reports no error and left out nothing the
   *     caller can see
   * @param agents each live agent's report, with whether it is current
   * @param rejected the objects agents left out because nginx refused them (the caller's tenant's,
   *     or all for a platform admin)
   */
  record Convergence(
      long revision, boolean converged, List<AgentState> agents, List<Rejected> rejected) {}

  /** An object some agents left out, and what nginx said. */
  record Rejected(
      String kind, String name, String tenant, long revision, String reason, List<String> hosts) {}

  record AgentState(
      String host,
      long appliedRevision,
      Instant appliedAt,
      Instant reloadedAt,
      String nginxVersion,
      String lastError,
      String mode,
      Long structuralRevision,
      Long pushedVersion,
      boolean current) {}

  @GetMapping("/clusters/{cluster}/convergence")
  Convergence convergence(@PathVariable String cluster) {
    if (documents.get(NginxKeys.cluster(cluster), Object.class).isEmpty()) {
      throw ProblemException.notFound("nginx cluster", cluster);
    }
    long revision = documents.newestRevision(cluster);
    List<AgentReport> reports = this.reports.of(cluster);
    List<AgentState> agents =
        reports.stream()
            .map(
                r ->
                    new AgentState(
                        r.host(),
                        r.appliedRevision(),
                        r.appliedAt(),
                        r.reloadedAt(),
                        r.nginxVersion(),
                        r.lastError(),
                        r.mode(),
                        r.structuralRevision(),
                        r.pushedVersion(),
                        r.appliedRevision() >= revision && r.lastError() == null))
            .toList();
    Caller caller = Caller.current();
    Map<String, Rejected> rejected = new TreeMap<>();
    for (AgentReport report : reports) {
      for (AgentReport.Rejection r : report.rejected()) {
        if (!caller.canSee(r.tenant())) {
          continue; // another tenant's objects are none of the caller's business
        }
        rejected.merge(
            r.kind() + "/" + r.name() + "@" + r.revision(),
            new Rejected(
                r.kind(), r.name(), r.tenant(), r.revision(), r.reason(), List.of(report.host())),
            (a, b) ->
                new Rejected(
                    a.kind(),
                    a.name(),
                    a.tenant(),
                    a.revision(),
                    a.reason(),
                    Stream.concat(a.hosts().stream(), b.hosts().stream()).sorted().toList()));
      }
    }
    return new Convergence(
        revision,
        !agents.isEmpty() && agents.stream().allMatch(AgentState::current) && rejected.isEmpty(),
        agents,
        List.copyOf(rejected.values()));
  }
}
