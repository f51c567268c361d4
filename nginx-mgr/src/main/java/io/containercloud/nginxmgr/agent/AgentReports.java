package io.containercloud.nginxmgr.agent;

import io.containercloud.nginx.model.AgentReport;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxmgr.store.Documents;
import java.util.List;
import org.springframework.stereotype.Component;

/** The reports the agents of a cluster keep in etcd. */
@Component
public class AgentReports {

  private final Documents documents;

  AgentReports(Documents documents) {
    this.documents = documents;
  }

  /** Every live agent of the cluster, by host. */
  public List<AgentReport> of(String cluster) {
    return documents
        .list(
            NginxKeys.agents(cluster), AgentReport.class, null, 10_000, key -> true, report -> true)
        .items()
        .stream()
        .map(Documents.Versioned::value)
        .toList();
  }
}
