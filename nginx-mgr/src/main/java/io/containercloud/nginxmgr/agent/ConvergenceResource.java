package io.containercloud.nginxmgr.agent;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.nginx.NginxKeys;
import io.containercloud.nginxmgr.store.Documents;
import java.time.Instant;
import java.util.List;
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
   * @param converged whether every agent applied it and reports no error
   * @param agents each live agent's report, with whether it is current
   */
  record Convergence(long revision, boolean converged, List<AgentState> agents) {}

  record AgentState(
      String host,
      long appliedRevision,
      Instant appliedAt,
      Instant reloadedAt,
      String nginxVersion,
      String lastError,
      boolean current) {}

  @GetMapping("/clusters/{cluster}/convergence")
  Convergence convergence(@PathVariable String cluster) {
    if (documents.get(NginxKeys.cluster(cluster), Object.class).isEmpty()) {
      throw ProblemException.notFound("nginx cluster", cluster);
    }
    long revision = documents.newestRevision(cluster);
    List<AgentState> agents =
        reports.of(cluster).stream()
            .map(
                r ->
                    new AgentState(
                        r.host(),
                        r.appliedRevision(),
                        r.appliedAt(),
                        r.reloadedAt(),
                        r.nginxVersion(),
                        r.lastError(),
                        r.appliedRevision() >= revision && r.lastError() == null))
            .toList();
    return new Convergence(
        revision, !agents.isEmpty() && agents.stream().allMatch(AgentState::current), agents);
  }
}
