package io.containercloud.cluster.failover;

import io.containercloud.cluster.events.ClusterEvents;
import io.containercloud.cluster.leader.Leadership;
import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.cluster.registry.ClusterHealth;
import io.containercloud.cluster.registry.ClusterProber;
import io.containercloud.cluster.registry.ClusterStates;
import io.containercloud.cluster.registry.RegistryProperties;
import io.containercloud.cluster.workload.Workloads;
import io.containercloud.common.loop.BackgroundLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides, on the leader only, when a cluster has failed and when it has recovered.
 *
 * <p>A cluster fails after {@code failed-after-probes} probes in a row got no answer, or showed
 * more than {@code max-not-ready-share} of its nodes not Ready; its workloads are then split over
 * the other clusters. It recovers only after answering with enough Ready nodes for a whole quiet
 * period (any bad probe restarts the period), and then the split returns by the placement rule: one
 * bad probe neither fails a cluster nor brings one back, so the split does not flap. Every
 * transition is a guarded update in the database, so a new leader continues and nothing is done
 * twice.
 */
@Component
class Failover extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(Failover.class);

  private final ClusterClients clusters;
  private final ClusterProber prober;
  private final ClusterStates states;
  private final Workloads workloads;
  private final ClusterEvents events;
  private final Leadership leadership;
  private final TransactionTemplate tx;
  private final FailoverProperties properties;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Instant> lastBadProbe = new ConcurrentHashMap<>();
  private final Map<String, Integer> notReadyStreak = new ConcurrentHashMap<>();

  Failover(
      ClusterClients clusters,
      ClusterProber prober,
      ClusterStates states,
      Workloads workloads,
      ClusterEvents events,
      Leadership leadership,
      TransactionTemplate tx,
      FailoverProperties properties,
      RegistryProperties registry) {
    super("failover", roundEvery(registry), roundEvery(registry), Duration.ofSeconds(30));
    this.clusters = clusters;
    this.prober = prober;
    this.states = states;
    this.workloads = workloads;
    this.events = events;
    this.leadership = leadership;
    this.tx = tx;
    this.properties = properties;
  }

  /**
   * Each probe is remembered as it comes (so a bad one between two rounds still restarts a quiet
   * period, and NotReady nodes must be seen in as many probes in a row as an unreachable API), then
   * judged at once rather than at the next poll.
   */
  @EventListener
  void onProbe(ClusterProber.Probed probed) {
    ClusterHealth health = prober.health(probed.cluster());
    boolean notReady = health.reachable() && tooManyNotReady(health);
    if (!health.reachable() || notReady) {
      lastBadProbe.put(probed.cluster(), clock.instant());
    }
    if (health.reachable()) {
      notReadyStreak.merge(probed.cluster(), notReady ? 1 : 0, (a, b) -> b == 0 ? 0 : a + b);
    }
    wake();
  }

  /** Decisions follow the probes closely, but never more often than they change. */
  private static Duration roundEvery(RegistryProperties registry) {
    Duration second = Duration.ofSeconds(1);
    return registry.probeInterval().compareTo(second) < 0 ? registry.probeInterval() : second;
  }

  @Override
  protected boolean round() {
    if (!leadership.isLeader()) {
      return false;
    }
    Set<String> failed = states.failed();
    for (String cluster : clusters.registered()) {
      if (!leadership.isLeader()) {
        return false;
      }
      String problem = problem(cluster, prober.health(cluster));
      if (failed.contains(cluster)) {
        watchRecovery(cluster, problem);
      } else if (problem != null) {
        fail(cluster, problem);
      }
    }
    for (String cluster : states.failed()) {
      workloads.migrateOff(cluster); // idempotent: finishes what a crashed leader began
    }
    return false;
  }

  /** Why the cluster counts as failed, or null when it does not. */
  private String problem(String cluster, ClusterHealth health) {
    if (health.consecutiveFailures() >= properties.failedAfterProbes()) {
      return health.consecutiveFailures() + " probes in a row failed: " + health.lastError();
    }
    if (health.reachable()
        && tooManyNotReady(health)
        && notReadyStreak.getOrDefault(cluster, 0) >= properties.failedAfterProbes()) {
      return (health.nodes() - health.readyNodes())
          + " of "
          + health.nodes()
          + " nodes are not Ready";
    }
    return null;
  }

  private boolean tooManyNotReady(ClusterHealth health) {
    return health.nodes() > 0 && 1 - health.readyShare() > properties.maxNotReadyShare();
  }

  private void fail(String cluster, String problem) {
    Instant now = clock.instant();
    boolean decided =
        Boolean.TRUE.equals(
            tx.execute(
                status -> {
                  if (!states.markFailed(cluster, problem, now)) {
                    return false;
                  }
                  events.cluster(
                      ClusterEvents.Type.CLUSTER_FAILED,
                      cluster,
                      events.data().put("reason", problem));
                  return true;
                }));
    if (decided) {
      log.warn("cluster {} failed: {}", cluster, problem);
    }
  }

  private void watchRecovery(String cluster, String problem) {
    ClusterStates.Failed state = states.find(cluster).orElse(null);
    if (state == null) {
      return;
    }
    Instant now = clock.instant();
    ClusterHealth health = prober.health(cluster);
    Instant bad = lastBadProbe.get(cluster);
    boolean badSince =
        bad != null && state.healthySince() != null && bad.isAfter(state.healthySince());
    if (problem != null || !health.reachable() || tooManyNotReady(health) || badSince) {
      if (state.healthySince() != null) {
        states.healthySince(cluster, null); // a bad probe restarts the quiet period
      }
      return;
    }
    if (state.healthySince() == null) {
      states.healthySince(cluster, now);
      log.info(
          "cluster {} answers again (probe of {}); replicas return after {} of health",
          cluster,
          health.lastProbeAt(),
          properties.quietPeriod());
      return;
    }
    if (Duration.between(state.healthySince(), now).compareTo(properties.quietPeriod()) < 0) {
      return;
    }
    if (!workloads.rebalance(cluster)) {
      return; // a workload changed meanwhile: placed again next round, then recovered
    }
    boolean decided =
        Boolean.TRUE.equals(
            tx.execute(
                status -> {
                  if (!states.markRecovered(cluster)) {
                    return false;
                  }
                  events.cluster(
                      ClusterEvents.Type.CLUSTER_RECOVERED,
                      cluster,
                      events
                          .data()
                          .put("failedAt", state.failedAt().toString())
                          .put("healthySince", state.healthySince().toString()));
                  return true;
                }));
    if (decided) {
      log.info("cluster {} recovered; replicas return to it", cluster);
    }
  }
}
