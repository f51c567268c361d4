package io.containercloud.cluster.workload;

import io.containercloud.cluster.events.ClusterEvents;
import io.containercloud.cluster.image.RoomRegistries;
import io.containercloud.cluster.placement.NoRoomException;
import io.containercloud.cluster.placement.Request;
import io.containercloud.cluster.placement.Room;
import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.cluster.registry.ClusterHealth;
import io.containercloud.cluster.registry.ClusterProber;
import io.containercloud.cluster.registry.ClusterStates;
import io.containercloud.cluster.workload.model.Autoscale;
import io.containercloud.cluster.workload.model.Splits;
import io.containercloud.cluster.workload.model.Workload;
import io.containercloud.cluster.workload.model.WorkloadSpec;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.contract.ImagePushed;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Changes to workloads' desired state: each decision (the split by the placement rule included) and
 * its event commit in one transaction; the {@link Reconciler} then makes the clusters match.
 */
@Service
public class Workloads {

  private final WorkloadRepository repository;
  private final ClusterClients clusters;
  private final ClusterProber prober;
  private final ClusterStates states;
  private final RoomRegistries roomRegistries;
  private final ClusterEvents events;
  private final TransactionTemplate tx;
  private final Reconciler reconciler;

  Workloads(
      WorkloadRepository repository,
      ClusterClients clusters,
      ClusterProber prober,
      ClusterStates states,
      ClusterEvents events,
      RoomRegistries roomRegistries,
      TransactionTemplate tx,
      Reconciler reconciler) {
    this.repository = repository;
    this.roomRegistries = roomRegistries;
    this.clusters = clusters;
    this.prober = prober;
    this.states = states;
    this.events = events;
    this.tx = tx;
    this.reconciler = reconciler;
  }

  Workload deploy(
      String tenant,
      String name,
      WorkloadSpec spec,
      String image,
      int replicas,
      Autoscale autoscale) {
    requireRegistered(spec);
    Map<String, Integer> split = split(spec, null, replicas, states.failed());
    Workload created =
        tx.execute(
            status -> {
              long id =
                  repository
                      .insert(tenant, name, spec, image, replicas, autoscale)
                      .orElseThrow(() -> exists(tenant, name));
              Workload workload = repository.find(id).orElseThrow();
              repository.setSplit(workload, split, image);
              events.workload(
                  ClusterEvents.Type.WORKLOAD_PLACED,
                  tenant,
                  name,
                  splitData(split).put("image", image).put("reason", "deployed"));
              return repository.find(id).orElseThrow();
            });
    reconciler.touch(tenant, name);
    return created;
  }

  /**
   * What {@link #deploy} would decide, deciding nothing: the split over the clusters, or the same
   * refusal (an unknown cluster, a name taken, no room).
   */
  Map<String, Integer> plan(String tenant, String name, WorkloadSpec spec, int replicas) {
    requireRegistered(spec);
    if (repository.find(tenant, name).isPresent()) {
      throw exists(tenant, name);
    }
    return split(spec, null, replicas, states.failed());
  }

  private void requireRegistered(WorkloadSpec spec) {
    Set<String> registered = new HashSet<>(clusters.registered());
    for (String cluster : spec.clusters()) {
      if (!registered.contains(cluster)) {
        throw ProblemException.notFound("cluster", cluster);
      }
    }
  }

  private static ProblemException exists(String tenant, String name) {
    return ProblemException.conflict(
        "workload-exists", "Workload '" + name + "' exists in tenant '" + tenant + "'.");
  }

  /** A new total, split again by the same rule; {@code reason} says who asked. */
  Workload scale(
      Workload workload, long version, int replicas, Autoscale autoscale, String reason) {
    Map<String, Integer> split = split(workload.spec(), workload, replicas, states.failed());
    Workload scaled =
        tx.execute(
            status -> {
              if (repository.update(workload.id(), version, replicas, workload.image(), autoscale)
                  instanceof VersionedWrite.Stale) {
                throw stale(workload);
              }
              repository.setSplit(workload, split, workload.image());
              events.workload(
                  ClusterEvents.Type.WORKLOAD_SCALED,
                  workload.tenant(),
                  workload.name(),
                  splitData(split)
                      .put("from", workload.replicas())
                      .put("to", replicas)
                      .put("reason", reason));
              return repository.find(workload.id()).orElseThrow();
            });
    reconciler.touch(workload.tenant(), workload.name());
    return scaled;
  }

  /**
   * A new spec (resources, ports, env, probes, clusters, ...), split again when what a replica
   * needs or where it may run changed. The reconciler writes it to every cluster's Deployment,
   * whose rolling update replaces the replicas there.
   */
  Workload respec(Workload workload, long version, WorkloadSpec spec) {
    requireRegistered(spec);
    boolean resplit =
        !spec.resources().equals(workload.spec().resources())
            || !spec.clusters().equals(workload.spec().clusters());
    Map<String, Integer> split =
        resplit ? split(spec, workload, workload.replicas(), states.failed()) : null;
    Workload changed =
        tx.execute(
            status -> {
              if (repository.updateSpec(workload.id(), version, spec)
                  instanceof VersionedWrite.Stale) {
                throw stale(workload);
              }
              ObjectNode data = split == null ? events.data() : splitData(split);
              if (split != null) {
                repository.setSplit(workload, split, workload.image());
              }
              events.workload(
                  ClusterEvents.Type.WORKLOAD_SPEC_CHANGED,
                  workload.tenant(),
                  workload.name(),
                  data.put("resplit", split != null));
              return repository.find(workload.id()).orElseThrow();
            });
    reconciler.touch(workload.tenant(), workload.name());
    return changed;
  }

  /** A new image; the reconciler rolls it out one cluster at a time. */
  Workload upgrade(Workload workload, long version, String image) {
    Workload upgraded =
        tx.execute(
            status -> {
              setImage(workload, version, image, events.data().put("cause", "requested"));
              return repository.find(workload.id()).orElseThrow();
            });
    reconciler.touch(workload.tenant(), workload.name());
    return upgraded;
  }

  /**
   * Rolls every workload that follows the pushed repository and tag to the pushed digest, in the
   * caller's transaction (the consumer's, which remembers the event): the workloads of the
   * project's tenant only, and none already on that digest, so the same push twice changes nothing.
   * The event's id is recorded as the cause.
   *
   * @return the workloads rolled
   */
  public List<String> follow(ImagePushed push, String tenant, String eventId) {
    List<String> rolled = new ArrayList<>();
    // a workload may name the registry by its host or by the name its room pulls it by
    for (String host : roomRegistries.aliases(push.registry())) {
      String repositoryKey = host + "/" + push.repository();
      String image = repositoryKey + "@" + push.digest();
      for (Workload workload : repository.following(tenant, repositoryKey)) {
        if (workload.spec().follow().matches(repositoryKey, push.tag())
            && !workload.image().equals(image)) {
          setImage(
              workload,
              workload.version(),
              image,
              events
                  .data()
                  .put("cause", ImagePushed.TYPE.value())
                  .put("event", eventId)
                  .put("tag", push.tag()));
          rolled.add(workload.name());
        }
      }
    }
    rolled.forEach(name -> reconciler.touch(tenant, name));
    return rolled;
  }

  private void setImage(Workload workload, long version, String image, ObjectNode cause) {
    if (repository.update(workload.id(), version, workload.replicas(), image, workload.autoscale())
        instanceof VersionedWrite.Stale) {
      throw stale(workload);
    }
    events.workload(
        ClusterEvents.Type.WORKLOAD_IMAGE_CHANGED,
        workload.tenant(),
        workload.name(),
        cause.put("from", workload.image()).put("to", image));
  }

  void delete(Workload workload, long version) {
    tx.executeWithoutResult(
        status -> {
          if (repository.markDeleting(workload.id(), version) instanceof VersionedWrite.Stale) {
            throw stale(workload);
          }
        });
    reconciler.touch(workload.tenant(), workload.name());
  }

  /**
   * Moves every workload's replicas off a failed cluster: each workload that has some there is
   * split again over the healthy clusters (what does not fit stays where it is), and the cluster's
   * ready addresses are withdrawn from {@code endpoint-events}. The cluster's own replicas are
   * removed by the reconciler only once the others are Ready. Idempotent: a workload already moved
   * is left alone, so a new leader may run it again; a workload changed since it was read (its
   * version) is left for the next call.
   */
  public Resplit migrateOff(String cluster) {
    Set<String> unusable = new HashSet<>(states.failed());
    unusable.add(cluster);
    Tally tally = new Tally();
    for (Workload workload : repository.list(null)) {
      Workload.Placed there = workload.in(cluster);
      if (workload.deleting() || there == null) {
        continue;
      }
      Map<String, Integer> split = bestEffortSplit(workload, unusable);
      // only while replicas are still there: once moved, the split stays put until recovery
      boolean move = there.replicas() > 0 && !split.equals(nonZero(workload.split()));
      // it serves nothing now: no addresses for nginx, no Ready replicas counted elsewhere
      boolean withdraw =
          there.ready() > 0 || (there.endpoints() != null && !there.endpoints().isEmpty());
      if (!move && !withdraw) {
        continue;
      }
      VersionedWrite write =
          tx.execute(
              status -> {
                VersionedWrite claim = repository.bump(workload.id(), workload.version());
                if (claim instanceof VersionedWrite.Stale) {
                  return claim; // changed meanwhile (a scale, a delete): the next round decides
                }
                if (move) {
                  repository.setSplit(workload, split, workload.image());
                  events.workload(
                      ClusterEvents.Type.WORKLOAD_MIGRATED,
                      workload.tenant(),
                      workload.name(),
                      splitData(split).put("from", cluster).put("reason", "cluster-failed"));
                }
                if (withdraw) {
                  repository.unserved(workload.id(), cluster);
                  repository.recordEndpoints(workload.id(), cluster, List.of());
                  events.endpoints(
                      cluster,
                      workload.tenant(),
                      workload.name(),
                      workload.spec().application(),
                      List.of());
                }
                return claim;
              });
      tally.add(workload, write);
      if (write instanceof VersionedWrite.Written) {
        reconciler.wake(); // the first moves start while the rest are decided
      }
    }
    return tally.result();
  }

  /**
   * For a failed cluster that has stayed healthy for the quiet period: every workload that may use
   * it is split again by the placement rule with the cluster counted in, so the split returns to
   * what it would be had the cluster never failed. Idempotent like {@link #migrateOff}.
   */
  public Resplit rebalance(String cluster) {
    Set<String> unusable = new HashSet<>(states.failed());
    unusable.remove(cluster);
    Tally tally = new Tally();
    for (Workload workload : repository.list(null)) {
      List<String> eligible = workload.spec().clusters();
      if (workload.deleting() || (!eligible.isEmpty() && !eligible.contains(cluster))) {
        continue;
      }
      Map<String, Integer> split = bestEffortSplit(workload, unusable);
      if (split.equals(nonZero(workload.split()))) {
        continue;
      }
      VersionedWrite write =
          tx.execute(
              status -> {
                VersionedWrite claim = repository.bump(workload.id(), workload.version());
                if (claim instanceof VersionedWrite.Written) {
                  repository.setSplit(workload, split, workload.image());
                  events.workload(
                      ClusterEvents.Type.WORKLOAD_PLACED,
                      workload.tenant(),
                      workload.name(),
                      splitData(split).put("reason", "cluster-recovered").put("cluster", cluster));
                }
                return claim;
              });
      tally.add(workload, write);
    }
    reconciler.wake();
    return tally.result();
  }

  /** Counts what a re-split did, workload by workload. */
  private static final class Tally {
    private int changed;
    private final List<String> deferred = new ArrayList<>();

    void add(Workload workload, VersionedWrite write) {
      if (write instanceof VersionedWrite.Stale) {
        deferred.add(workload.tenant() + "/" + workload.name());
      } else {
        changed++;
      }
    }

    Resplit result() {
      return deferred.isEmpty()
          ? new Resplit.Complete(changed)
          : new Resplit.Deferred(changed, List.copyOf(deferred));
    }
  }

  /** The split over the usable clusters as far as it fits; the rest stay where they are. */
  private Map<String, Integer> bestEffortSplit(Workload workload, Set<String> unusable) {
    Request request = request(workload.spec());
    return Splits.bestEffort(
        workload, request, rooms(workload.spec(), request, workload, unusable));
  }

  /**
   * Splits {@code total} replicas by the placement rule over the eligible clusters that answer and
   * are not {@code unusable} (failed over).
   *
   * @throws NoRoomException when they do not fit
   */
  private Map<String, Integer> split(
      WorkloadSpec spec, Workload current, int total, Set<String> unusable) {
    Request request = request(spec);
    Splits.Split split = Splits.split(total, request, rooms(spec, request, current, unusable));
    if (split instanceof Splits.Split.Over over) {
      return over.replicas();
    }
    throw ProblemException.unprocessable(
        "no-healthy-cluster",
        "None of the clusters the workload may use is healthy.",
        List.of(new FieldViolation("clusters", "has no healthy cluster")));
  }

  /** The room of each eligible cluster that answers and is not {@code unusable}. */
  private List<Room> rooms(
      WorkloadSpec spec, Request request, Workload current, Set<String> unusable) {
    List<String> candidates = spec.clusters().isEmpty() ? clusters.registered() : spec.clusters();
    List<Room> rooms = new ArrayList<>();
    for (String cluster : candidates) {
      ClusterHealth health = prober.health(cluster);
      if (unusable.contains(cluster) || health.capacity().isEmpty()) {
        continue; // failed over, or never answered a probe: one missed probe is not a failure
      }
      rooms.add(
          Splits.room(
              cluster, health.capacity(), current == null ? null : current.in(cluster), request));
    }
    return rooms;
  }

  static Request request(WorkloadSpec spec) {
    return new Request(
        amount(spec.resources().requests().cpu(), 1000),
        amount(spec.resources().requests().memory(), 1));
  }

  static long amount(String quantity, int scale) {
    return Quantity.getAmountInBytes(new Quantity(quantity))
        .multiply(BigDecimal.valueOf(scale))
        .longValue();
  }

  private ObjectNode splitData(Map<String, Integer> split) {
    ObjectNode data = events.data();
    ObjectNode clusters = data.putObject("clusters");
    split.forEach(clusters::put);
    return data;
  }

  private static Map<String, Integer> nonZero(Map<String, Integer> split) {
    Map<String, Integer> result = new TreeMap<>();
    split.forEach(
        (cluster, replicas) -> {
          if (replicas > 0) {
            result.put(cluster, replicas);
          }
        });
    return result;
  }

  private static ProblemException stale(Workload workload) {
    return ProblemException.conflict(
        "stale-version",
        "Workload '" + workload.name() + "' changed since it was read; read it again.");
  }
}
