package io.containercloud.common.leader;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Leader election through etcd, so only one instance of a service runs its background work (the
 * reconciler, failover, an operation's steps). The instance campaigns under a lease it renews every
 * third of the TTL; it counts itself leader only while the last renewal is younger than the TTL
 * minus a margin, so a leader cut off from etcd stops acting before its key expires and another
 * instance is elected.
 */
public class Leadership implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final Client etcd;
  private final Duration ttl;
  private final String election;
  private final String service;

  /** Monotonic: a wall-clock step must not stretch a term. */
  private static long now() {
    return System.nanoTime();
  }

  private final String instance =
      ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
  private volatile long validUntil = now() - 1;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param ttl the leader's etcd lease (whole seconds, at least 2): a dead leader is replaced after
   *     about this long
   * @param election the etcd election name the instances of {@code service} campaign on
   */
  public Leadership(Client etcd, Duration ttl, String election, String service) {
    this.etcd = etcd;
    this.ttl = ttl;
    this.election = election;
    this.service = service;
  }

  /** Whether this instance may act now. */
  public boolean isLeader() {
    return now() - validUntil < 0;
  }

  public String instance() {
    return instance;
  }

  private void campaignForever() {
    while (running) {
      try {
        term();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        validUntil = now() - 1;
        log.debug("leader election interrupted; campaigning again", e);
        pause(ttl.dividedBy(3));
      }
    }
  }

  /** One lease: campaign with it, lead while it is renewed, give up when a renewal fails. */
  private void term() throws Exception {
    long ttlSeconds = Math.max(2, ttl.toSeconds());
    Duration renewEvery = Duration.ofMillis(ttlSeconds * 1000 / 3);
    long lease =
        etcd.getLeaseClient()
            .grant(ttlSeconds)
            .get(renewEvery.toMillis(), TimeUnit.MILLISECONDS)
            .getID();
    ByteSequence name = bytes(election);
    CompletableFuture<io.etcd.jetcd.election.CampaignResponse> campaign =
        etcd.getElectionClient().campaign(name, lease, bytes(instance));
    LeaderKey key = null;
    try {
      while (running && key == null) {
        long renewedAt = renew(lease, renewEvery);
        try {
          key = campaign.get(renewEvery.toMillis(), TimeUnit.MILLISECONDS).getLeader();
          validUntil = renewedAt + Duration.ofSeconds(ttlSeconds).minus(renewEvery).toNanos();
        } catch (TimeoutException e) {
          // another instance leads; keep our lease alive and wait
        }
      }
      if (key != null) {
        log.info("{} leads {}", instance, service);
      }
      while (running && key != null) {
        pause(renewEvery);
        long renewedAt = renew(lease, renewEvery);
        validUntil = renewedAt + Duration.ofSeconds(ttlSeconds).minus(renewEvery).toNanos();
      }
    } finally {
      validUntil = now() - 1;
      campaign.cancel(true);
      if (key != null) {
        log.info("{} no longer leads {}", instance, service);
      }
      etcd.getLeaseClient().revoke(lease); // best effort: the lease expires anyway
    }
  }

  /** Renews the lease; throws when etcd does not answer or the lease is gone. */
  private long renew(long lease, Duration timeout) throws Exception {
    long sent = now();
    long ttl =
        etcd.getLeaseClient()
            .keepAliveOnce(lease)
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .getTTL();
    if (ttl <= 0) {
      throw new IllegalStateException("lease expired");
    }
    return sent;
  }

  private static ByteSequence bytes(String value) {
    return ByteSequence.from(value, StandardCharsets.UTF_8);
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::campaignForever, "leader-election");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    validUntil = now() - 1;
    thread.interrupt();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
