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

  /** How old {@link #liveHosts} may be. */
  private static final long RECENT_NANOS = Duration.ofMillis(100).toNanos();

  private final Documents documents;
  private final Map<String, Hosts> hosts = new ConcurrentHashMap<>();
  private final Map<String, Object> reading = new ConcurrentHashMap<>();

  private record Hosts(long atNanos, List<String> names) {}

  AgentReports(Documents documents) {
    this.documents = documents;
  }

  /** Every live agent of the cluster, by host; what {@link #liveHosts} knows from then on. */
  public List<AgentReport> of(String cluster) {
    long at = System.nanoTime();
    List<AgentReport> reports =
        documents
            .list(
                NginxKeys.agents(cluster),
                AgentReport.class,
                null,
                10_000,
                key -> true,
                report -> true)
            .items()
            .stream()
            .map(Documents.Versioned::value)
            .toList();
    hosts.merge(
        cluster,
        new Hosts(at, reports.stream().map(AgentReport::host).toList()),
        (known, read) -> read.atNanos() > known.atNanos() ? read : known);
    return reports;
  }

  /**
   * The hosts whose agents report on the cluster (their report's key names them), as read at most
   * 100 ms ago: hundreds of writes a second need not each read etcd, and no report is parsed.
   */
  public List<String> liveHosts(String cluster) {
    Hosts read = hosts.get(cluster);
    if (fresh(read)) {
      return read.names();
    }
    // one request reads them; the others that came meanwhile take what it read
    synchronized (reading.computeIfAbsent(cluster, c -> new Object())) {
      read = hosts.get(cluster);
      if (!fresh(read)) {
        read = new Hosts(System.nanoTime(), documents.keys(NginxKeys.agents(cluster)));
        hosts.put(cluster, read);
      }
      return read.names();
    }
  }

  private static boolean fresh(Hosts read) {
    return read != null && System.nanoTime() - read.atNanos() <= RECENT_NANOS;
  }
}
