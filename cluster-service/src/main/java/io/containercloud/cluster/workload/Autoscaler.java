package io.containercloud.cluster.workload;

import io.containercloud.cluster.placement.NoRoomException;
import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.cluster.registry.ClusterStates;
import io.containercloud.cluster.workload.model.Autoscale;
import io.containercloud.cluster.workload.model.Workload;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.leader.Leadership;
import io.containercloud.common.loop.BackgroundLoop;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sets the total of autoscaled workloads from CPU use across all their clusters (pod metrics from
 * {@code metrics.k8s.io}), on the leader only; the new total is split by the placement rule like
 * any other. As Kubernetes' HPA does: a 10% tolerance around the target, scale up at once, scale
 * down only to the highest recommendation of the stabilisation window, so a short dip does not
 * remove replicas that are needed again a minute later.
 */
@Component
class Autoscaler extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
  private static final double TOLERANCE = 0.1;

  private record Recommendation(Instant at, int replicas) {}

  private final WorkloadRepository repository;
  private final Workloads workloads;
  private final ClusterClients clients;
  private final ClusterStates states;
  private final Leadership leadership;
  private final WorkloadProperties properties;
  private final Clock clock = Clock.systemUTC();
  private final Map<Long, Deque<Recommendation>> history = new ConcurrentHashMap<>();

  Autoscaler(
      WorkloadRepository repository,
      Workloads workloads,
      ClusterClients clients,
      ClusterStates states,
      Leadership leadership,
      WorkloadProperties properties) {
    super(
        "autoscaler",
        properties.autoscaleInterval(),
        properties.autoscaleInterval(),
        Duration.ofMinutes(1));
    this.repository = repository;
    this.workloads = workloads;
    this.clients = clients;
    this.states = states;
    this.leadership = leadership;
    this.properties = properties;
  }

  @Override
  protected boolean round() {
    if (!leadership.isLeader()) {
      history.clear(); // a new leader starts its window afresh rather than from stale numbers
      return false;
    }
    Set<String> failed = states.failed();
    for (Workload workload : repository.list(null)) {
      if (workload.autoscale() == null || workload.deleting()) {
        history.remove(workload.id());
        continue;
      }
      Double utilisation = utilisation(workload, failed);
      if (utilisation == null) {
        continue; // no metrics yet: keep the count
      }
      int target = stabilised(workload, recommend(workload, utilisation));
      if (target != workload.replicas()) {
        try {
          workloads.scale(workload, workload.version(), target, workload.autoscale(), "autoscale");
          log.info(
              "autoscaled {}/{} from {} to {} at {}% CPU",
              workload.tenant(),
              workload.name(),
              workload.replicas(),
              target,
              Math.round(utilisation * 100));
        } catch (NoRoomException | ProblemException e) {
          log.warn(
              "cannot autoscale {}/{}: {}", workload.tenant(), workload.name(), e.getMessage());
        }
      }
    }
    return false;
  }

  /** What the current CPU use asks for, within min and max. */
  static int recommend(Workload workload, double utilisation) {
    Autoscale autoscale = workload.autoscale();
    double ratio = utilisation / (autoscale.targetCpuPercent() / 100.0);
    int wanted =
        Math.abs(ratio - 1) <= TOLERANCE
            ? workload.replicas()
            : (int) Math.ceil(workload.replicas() * ratio);
    return Math.max(autoscale.min(), Math.min(autoscale.max(), wanted));
  }

  private int stabilised(Workload workload, int recommended) {
    Instant now = clock.instant();
    Deque<Recommendation> window = history.computeIfAbsent(workload.id(), id -> new ArrayDeque<>());
    window.addLast(new Recommendation(now, recommended));
    while (window.peekFirst().at().isBefore(now.minus(properties.scaleDownWindow()))) {
      window.removeFirst();
    }
    if (recommended >= workload.replicas()) {
      return recommended;
    }
    return window.stream().mapToInt(Recommendation::replicas).max().orElse(recommended);
  }

  /** CPU used over CPU requested by the workload's pods in its healthy clusters; null: no data. */
  private Double utilisation(Workload workload, Set<String> failed) {
    long requestMillis = Workloads.amount(workload.spec().resources().requests().cpu(), 1000);
    long used = 0;
    long pods = 0;
    for (Workload.Placed placed : workload.clusters()) {
      if (failed.contains(placed.cluster()) || placed.replicas() == 0) {
        continue;
      }
      try {
        for (PodMetrics pod :
            clients
                .client(placed.cluster())
                .top()
                .pods()
                .inNamespace(workload.tenant())
                .withLabels(Manifests.selector(workload.tenant(), workload.name()))
                .metrics()
                .getItems()) {
          for (ContainerMetrics container : pod.getContainers()) {
            Quantity cpu = container.getUsage().get("cpu");
            used +=
                cpu == null
                    ? 0
                    : Quantity.getAmountInBytes(cpu)
                        .multiply(java.math.BigDecimal.valueOf(1000))
                        .longValue();
          }
          pods++;
        }
      } catch (RuntimeException e) {
        // a cluster without metrics this round: decide on the others
      }
    }
    return pods == 0 ? null : (double) used / (pods * requestMillis);
  }
}
