package io.containercloud.nginxmgr.upstream;

import io.containercloud.nginx.model.AgentReport;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginxmgr.agent.AgentReports;
import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.TenantObjects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** What a switch page needs, in one read. */
@RestController
class SwitchboardResource {

  private final TenantObjects<Upstream> upstreams;
  private final AgentReports agents;

  SwitchboardResource(Documents documents, AgentReports agents) {
    this.upstreams = UpstreamResource.objects(documents);
    this.agents = agents;
  }

  /**
   * One upstream as a switch page shows it: its groups, which serves, and per nginx host the health
   * each agent last saw for each member.
   */
  record SwitchView(
      String name,
      String tenant,
      Upstream.Active active,
      Upstream.Weights weights,
      Upstream.VmGroup vm,
      Upstream.ContainerGroup container,
      Map<String, Map<String, String>> healthByHost,
      long revision) {}

  @GetMapping("/clusters/{cluster}/switchboard")
  List<SwitchView> switchboard(@PathVariable String cluster) {
    List<AgentReport> reports = agents.of(cluster);
    return upstreams.list(cluster, null, 10_000).items().stream()
        .map(
            v -> {
              Upstream u = v.value();
              Map<String, Map<String, String>> health = new LinkedHashMap<>();
              for (AgentReport report : reports) {
                if (report.health() != null && report.health().containsKey(u.name())) {
                  health.put(report.host(), report.health().get(u.name()));
                }
              }
              return new SwitchView(
                  u.name(),
                  u.tenant(),
                  u.active(),
                  u.weights(),
                  u.vm(),
                  u.container(),
                  health,
                  v.revision());
            })
        .toList();
  }
}
