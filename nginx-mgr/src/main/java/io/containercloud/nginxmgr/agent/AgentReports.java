package io.containercloud.nginxmgr.agent;

import io.containercloud.nginx.model.AgentReport;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxmgr.store.Documents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The reports the agents of a cluster keep in etcd. */
@Component
public class AgentReports {

  /** How old {@link #recent} reports may be. */
  private static final long RECENT_NANOS = Duration.ofMillis(100).toNanos();

  private final Documents documents;
  private final Map<String, Read> recent = new ConcurrentHashMap<>();

  private record Read(long atNanos, List<AgentReport> reports) {}

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

  /**
   * The same, read at most 100 ms ago: a cluster of a hundred agents has a hundred reports to read
   * and parse, which a write's answer need not do for each of hundreds of writes a second.
   */
  public List<AgentReport> recent(String cluster) {
    Read read = recent.get(cluster);
    if (read == null || System.nanoTime() - read.atNanos() > RECENT_NANOS) {
      read = new Read(System.nanoTime(), of(cluster));
      recent.put(cluster, read);
    }
    return read.reports();
  }
}
