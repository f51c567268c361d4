package io.containercloud.nginxagent.report;

import io.containercloud.nginx.model.AgentReport;
import io.containercloud.nginx.model.NginxKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps an agent's report in etcd ({@code /nginx/v1/agents/<cluster>/<host>}) under a lease that
 * every publish renews, so the report disappears a TTL after the agent does. A lease that expired
 * while etcd was away is replaced by a new one.
 */
public final class Reporter {

  private static final Logger log = LoggerFactory.getLogger(Reporter.class);
  private static final long TIMEOUT_S = 5;

  private final Client etcd;
  private final JsonMapper json;
  private final String cluster;
  private final Duration ttl;
  private long leaseId;
  private long renewedAt; // nanos

  /**
   * @param ttl how long a report outlives its last publish
   */
  public Reporter(Client etcd, JsonMapper json, String cluster, Duration ttl) {
    this.etcd = etcd;
    this.json = json;
    this.cluster = cluster;
    this.ttl = ttl;
  }

  /**
   * Writes {@code report} under the lease, renewed first when a third of its TTL has passed (a busy
   * agent publishes many times a second; one renewal per third is what keeps the report).
   */
  public void publish(AgentReport report) throws InterruptedException {
    try {
      renewLease();
      etcd.getKVClient()
          .put(
              bytes(NginxKeys.agents(cluster) + report.host()),
              ByteSequence.from(json.writeValueAsBytes(report)),
              PutOption.builder().withLeaseId(leaseId).build())
          .get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      leaseId = 0; // it may have expired while etcd was away: the next publish takes a new one
      throw new IllegalStateException("etcd did not take the report", e);
    }
  }

  /** Removes the report at once rather than a TTL later. */
  public void revoke() {
    if (leaseId == 0) {
      return;
    }
    try {
      etcd.getLeaseClient().revoke(leaseId).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("lease not revoked; it expires on its own", e);
    }
  }

  private void renewLease() throws InterruptedException, ExecutionException, TimeoutException {
    if (leaseId != 0 && System.nanoTime() - renewedAt < ttl.toNanos() / 3) {
      return;
    }
    if (leaseId != 0) {
      try {
        etcd.getLeaseClient().keepAliveOnce(leaseId).get(TIMEOUT_S, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        leaseId = 0; // expired while etcd was away: a new one below
      }
    }
    if (leaseId == 0) {
      leaseId =
          etcd.getLeaseClient().grant(ttl.toSeconds()).get(TIMEOUT_S, TimeUnit.SECONDS).getID();
    }
    renewedAt = System.nanoTime();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
