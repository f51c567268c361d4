package io.containercloud.cluster.failover;

import io.containercloud.cluster.events.ClusterEvents;
import io.containercloud.cluster.failover.model.FailoverRule;
import io.containercloud.cluster.failover.model.Probe;
import io.containercloud.cluster.failover.model.ProbeHistory;
import io.containercloud.cluster.failover.model.Verdict;
import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.cluster.registry.ClusterProber;
import io.containercloud.cluster.registry.ClusterStates;
import io.containercloud.cluster.registry.RegistryProperties;
import io.containercloud.cluster.workload.Resplit;
import io.containercloud.cluster.workload.Workloads;
import io.containercloud.common.leader.Leadership;
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
 * Acts, on the leader only, on what the {@link FailoverRule} makes of each cluster's probes: fails
 * a cluster over (its workloads are split over the others), starts and restarts its quiet period,
 * and brings it back (the split returns by the placement rule). Every transition is a guarded
 * update in the database, so a new leader continues where the last stopped and nothing is done
 * twice; the probe histories are kept on every instance, so a new leader judges at once.
 */
@Component
class Failover extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(Failover.class);

  private final ClusterClients clusters;
  private final ClusterStates states;
  private final Workloads workloads;
  private final ClusterEvents events;
  private final Leadership leadership;
  private final TransactionTemplate tx;
  private final FailoverRule rule;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, ProbeHistory> histories = new ConcurrentHashMap<>();

  Failover(
      ClusterClients clusters,
      ClusterStates states,
      Workloads workloads,
      ClusterEvents events,
      Leadership leadership,
      TransactionTemplate tx,
      FailoverProperties properties,
      RegistryProperties registry) {
    super("failover", roundEvery(registry), roundEvery(registry), Duration.ofSeconds(30));
    this.clusters = clusters;
    this.states = states;
    this.workloads = workloads;
    this.events = events;
    this.leadership = leadership;
    this.tx = tx;
    this.rule =
        new FailoverRule(
            properties.failedAfterProbes(),
            properties.maxNotReadyShare(),
            properties.quietPeriod());
  }

  /**
   * Each probe is remembered as it comes (so a bad one between two rounds still restarts a quiet
   * period), then judged at once rather than at the next poll.
   */
  @EventListener
  void onProbe(ClusterProber.Probed probed) {
    Instant now = clock.instant();
    Probe probe =
        probed.reachable()
            ? new Probe.Answered(probed.startedAt(), now, probed.nodes(), probed.readyNodes())
            : new Probe.Unanswered(probed.startedAt(), now, probed.error());
    histories.compute(
        probed.cluster(),
        (cluster, history) -> rule.record(history == null ? ProbeHistory.NONE : history, probe));
    wake();
  }

  /** A cluster registered again starts afresh: the probes of the one before must not fail it. */
  @EventListener
  void onForgotten(ClusterProber.Forgotten forgotten) {
    histories.remove(forgotten.cluster());
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
      ProbeHistory history = histories.getOrDefault(cluster, ProbeHistory.NONE);
      if (failed.contains(cluster)) {
        states.find(cluster).ifPresent(state -> watchRecovery(state, history));
      } else if (rule.inService(history) instanceof Verdict.Failing failing) {
        fail(cluster, failing.reason());
      }
    }
    for (String cluster : states.failed()) {
      // idempotent: finishes what a crashed leader began
      if (workloads.migrateOff(cluster) instanceof Resplit.Complete done && done.changed() > 0) {
        log.info("moved replicas of {} workloads off {}", done.changed(), cluster);
      }
    }
    return false;
  }

  private void fail(String cluster, String reason) {
    ClusterStates.Transition decided =
        tx.execute(
            status -> {
              ClusterStates.Transition transition =
                  states.markFailed(cluster, reason, clock.instant());
              if (transition instanceof ClusterStates.Transition.Made) {
                events.cluster(
                    ClusterEvents.Type.CLUSTER_FAILED,
                    cluster,
                    events.data().put("reason", reason));
              }
              return transition;
            });
    if (decided instanceof ClusterStates.Transition.Made) {
      log.warn("cluster {} failed: {}", cluster, reason);
    }
  }

  private void watchRecovery(ClusterStates.Failed state, ProbeHistory history) {
    String cluster = state.cluster();
    Verdict verdict = rule.failedOver(history, state.healthySince(), clock.instant());
    if (verdict instanceof Verdict.Failing failing) {
      if (state.healthySince() != null) {
        states.endQuietPeriod(cluster);
        log.info("cluster {}: {}; its quiet period starts again", cluster, failing.reason());
      }
    } else if (verdict instanceof Verdict.Quiet quiet) {
      if (state.healthySince() == null) {
        states.startQuietPeriod(cluster, quiet.since());
        log.info(
            "cluster {} answers again (probe of {}); replicas return after {} of health",
            cluster,
            history.latest().map(Probe::startedAt).orElse(null),
            rule.quietPeriod());
      }
    } else if (verdict instanceof Verdict.Recovered) {
      recover(state);
    }
  }

  private void recover(ClusterStates.Failed state) {
    String cluster = state.cluster();
    if (workloads.rebalance(cluster) instanceof Resplit.Deferred deferred) {
      log.debug(
          "cluster {}: {} changed meanwhile, placed next round", cluster, deferred.deferred());
      return; // recovered once every workload is placed with it
    }
    ClusterStates.Transition decided =
        tx.execute(
            status -> {
              ClusterStates.Transition transition = states.markRecovered(cluster);
              if (transition instanceof ClusterStates.Transition.Made) {
                events.cluster(
                    ClusterEvents.Type.CLUSTER_RECOVERED,
                    cluster,
                    events
                        .data()
                        .put("failedAt", state.failedAt().toString())
                        .put("healthySince", state.healthySince().toString()));
              }
              return transition;
            });
    if (decided instanceof ClusterStates.Transition.Made) {
      log.info("cluster {} recovered; replicas return to it", cluster);
    }
  }
}
