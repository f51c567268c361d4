package io.containercloud.cluster.workload;

import io.containercloud.cluster.events.ClusterEvents;
import io.containercloud.cluster.image.ImageGate;
import io.containercloud.cluster.image.RoomRegistries;
import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.cluster.registry.ClusterProber;
import io.containercloud.cluster.registry.ClusterStates;
import io.containercloud.cluster.workload.WorkloadRepository.PlacementKey;
import io.containercloud.cluster.workload.model.Handover;
import io.containercloud.cluster.workload.model.ReconcileOutcome;
import io.containercloud.cluster.workload.model.Rollout;
import io.containercloud.cluster.workload.model.Workload;
import io.containercloud.common.event.contract.WorkloadStatus;
import io.containercloud.common.leader.Leadership;
import io.containercloud.common.loop.BackgroundLoop;
import io.containercloud.common.loop.RoundWorkers;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes every cluster run what the database says, on the leader only. Each round compares each
 * workload's Deployment and Service in each of its clusters with what they should be and writes
 * only the difference (running it twice changes nothing the second time), records per cluster what
 * it saw, and announces changed ready addresses on {@code endpoint-events}.
 *
 * <p>Two rules keep a service up while its split changes: a cluster gives up replicas only when the
 * Ready replicas elsewhere cover the total, and an image upgrade moves to the next cluster only
 * once every cluster already on the new image has fully rolled out. A cluster that fails to
 * reconcile is retried with an exponential backoff capped at {@code max-backoff}.
 *
 * <p>A round covers every workload each {@code reconcile-interval}; in between, a workload that was
 * {@link #touch touched} (changed through the API, or its Deployment or Endpoints changed in a
 * cluster, as {@link ClusterCaches} sees) is reconciled on its own at once. What the clusters run
 * is read from those caches. When what a workload's clusters run changes (Ready replicas, a rollout
 * settling, an error), {@code workload.status} says so.
 */
@Component
class Reconciler extends BackgroundLoop {

  private final WorkloadRepository repository;
  private final ClusterClients clients;
  private final ClusterStates states;
  private final ClusterProber prober;
  private final ClusterEvents events;
  private final RoomRegistries roomRegistries;
  private final ImageGate gate;
  private final Leadership leadership;
  private final TransactionTemplate tx;
  private final WorkloadProperties properties;
  private final ClusterCaches caches;
  private final Clock clock = Clock.systemUTC();
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();

  /** Touched workloads in the order they were first touched since reconciled; guarded by itself. */
  private final Set<String> touched = new LinkedHashSet<>();

  private final ManifestDigests digests = new ManifestDigests();
  private volatile Instant nextFullRound = Instant.EPOCH;
  private final RoundWorkers workers;
  private final RoundWorkers applies;

  /**
   * How long from its start a round, its own workloads compared, still takes in workloads touched
   * meanwhile (before that it takes them first): they start as soon as a thread is free, with the
   * failed clusters and rooms the round read at its start.
   */
  private static final Duration ADMIT_TOUCHED = Duration.ofSeconds(1);

  Reconciler(
      WorkloadRepository repository,
      ClusterClients clients,
      ClusterStates states,
      ClusterProber prober,
      ClusterEvents events,
      RoomRegistries roomRegistries,
      ImageGate gate,
      Leadership leadership,
      TransactionTemplate tx,
      WorkloadProperties properties,
      ClusterCaches caches) {
    super(
        "workload-reconciler",
        properties.reconcileInterval(),
        properties.reconcileInterval(),
        properties.maxBackoff());
    this.repository = repository;
    this.clients = clients;
    this.states = states;
    this.prober = prober;
    this.events = events;
    this.roomRegistries = roomRegistries;
    this.gate = gate;
    this.leadership = leadership;
    this.tx = tx;
    this.properties = properties;
    this.caches = caches;
    caches.onChange(this::touch);
    this.workers = new RoundWorkers("workload-reconcile", properties.parallelism());
    // a thread per cluster of each workload reconciled, for workloads in up to three rooms
    this.applies = new RoundWorkers("workload-apply", 3 * properties.parallelism());
  }

  /** Workers are made at each start: a stop shuts them down, a later start (a pause) resumes. */
  @Override
  public void start() {
    workers.start();
    applies.start();
    super.start();
  }

  /** Asks for a round over every workload now. */
  @Override
  public void wake() {
    nextFullRound = Instant.EPOCH;
    super.wake();
  }

  /**
   * Asks for a round over this workload now (a workload that does not exist is skipped); inside a
   * transaction (an API call with an idempotency key, a consumer's), once it has committed, so the
   * round reads the change.
   */
  void touch(String tenant, String name) {
    String key = tenant + "/" + name;
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              enqueue(key);
            }
          });
    } else {
      enqueue(key);
    }
  }

  private void enqueue(String key) {
    synchronized (touched) {
      touched.add(key);
    }
    super.wake();
  }

  @Override
  protected boolean round() {
    if (!leadership.isLeader()) {
      return false;
    }
    Set<String> failed = states.failed();
    RoomRegistries.Rooms rooms = roomRegistries.rooms();
    boolean full = !clock.instant().isBefore(nextFullRound);
    Instant started = clock.instant(); // the confirmed placements were compared after this
    Queue<PlacementKey> confirmed = new ConcurrentLinkedQueue<>();
    Deque<String> due = new ArrayDeque<>(due(full));
    Set<String> running = ConcurrentHashMap.newKeySet();
    Instant admitUntil = started.plus(ADMIT_TOUCHED);
    workers.run(
        () -> {
          if (running.size() >= properties.parallelism()) {
            return List.of(); // read once a thread is free, right before it compares
          }
          // touched workloads first (they changed; the rest of a full round is its safety net),
          // as long as the round has more to do or is young: its view of failed clusters and
          // rooms, read at its start, stays recent
          List<String> keys =
              due.isEmpty() && !clock.instant().isBefore(admitUntil)
                  ? new ArrayList<>()
                  : takeTouched(running);
          while (keys.isEmpty() && !due.isEmpty()) {
            for (int i = 0; i < 100 && !due.isEmpty(); i++) {
              String key = due.poll();
              if (running.contains(key)) {
                enqueue(key); // taken in touched: compared again once that ends
              } else {
                keys.add(key);
              }
            }
          }
          return work(keys, running, failed, rooms, confirmed);
        });
    repository.confirmReconciled(List.copyOf(confirmed), started);
    synchronized (touched) {
      return !touched.isEmpty();
    }
  }

  /** Up to a hundred touched workloads not {@code running}, the first touched first. */
  private List<String> takeTouched(Set<String> running) {
    synchronized (touched) {
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = touched.iterator(); it.hasNext() && keys.size() < 100; ) {
        String key = it.next();
        if (!running.contains(key)) {
          keys.add(key);
          it.remove();
        }
      }
      return keys;
    }
  }

  /**
   * The reconciles of these workloads, read now: a workload changed or deleted while a long round
   * ran is compared as it now stands. Each is {@code running} until it ends.
   */
  private List<Runnable> work(
      List<String> keys,
      Set<String> running,
      Set<String> failed,
      RoomRegistries.Rooms rooms,
      Queue<PlacementKey> confirmed) {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<Runnable> work = new ArrayList<>();
    for (Workload workload : repository.findAll(keys)) {
      String key = workload.tenant() + "/" + workload.name();
      running.add(key);
      work.add(
          () -> {
            try {
              if (workload.deleting()) {
                remove(workload);
                return;
              }
              // after the rollout moved, the copy read is out of date
              Optional<Workload> current =
                  advanceRollout(workload, rooms)
                      ? repository.find(workload.id())
                      : Optional.of(workload);
              current.ifPresent(c -> reconcile(c, failed, rooms, confirmed));
            } finally {
              running.remove(key);
            }
          });
    }
    return work;
  }

  /** The keys of every workload for a full round, else of the touched ones. */
  private List<String> due(boolean full) {
    if (full) {
      nextFullRound = clock.instant().plus(properties.reconcileInterval());
      synchronized (touched) {
        touched.clear(); // before the list: a touch after this is of a change the list may miss
      }
      return repository.keys();
    }
    synchronized (touched) {
      List<String> keys = List.copyOf(touched);
      touched.clear();
      return keys;
    }
  }

  @Override
  public void stop() {
    super.stop();
    workers.stop();
    applies.stop();
  }

  private void reconcile(
      Workload workload,
      Set<String> failed,
      RoomRegistries.Rooms rooms,
      Queue<PlacementKey> confirmed) {
    Instant now = clock.instant();
    List<Workload.Placed> due = new ArrayList<>();
    for (Workload.Placed placed : workload.clusters()) {
      if (placed.nextAttemptAt() != null && placed.nextAttemptAt().isAfter(now)) {
        continue;
      }
      if (failed.contains(placed.cluster()) && !prober.health(placed.cluster()).reachable()) {
        continue; // failed over and still silent: nothing to do there until it answers
      }
      due.add(placed);
    }
    Map<String, Integer> ready = new HashMap<>();
    workload.clusters().forEach(p -> ready.put(p.cluster(), p.ready()));
    List<Applied> applied = applyAll(workload, due, Map.copyOf(ready), rooms);
    if (!leadership.isLeader()) {
      return; // deposed during a long round: the new leader takes it from here
    }
    boolean changed = false;
    boolean heldBack = false;
    // what the clusters showed is recorded at the end, with its events, in one transaction: a
    // transaction per cluster and per event was most of the commits of a busy platform
    List<Runnable> writes = new ArrayList<>();
    for (Applied result : applied) {
      Workload.Placed placed = result.placed();
      if (result.error() == null) {
        Seen seen = result.seen();
        // a failed-over cluster serves nothing, whatever runs there until it is emptied
        int serving = failed.contains(placed.cluster()) ? 0 : seen.ready();
        heldBack |= seen.heldBack();
        if (!unchanged(placed, serving, seen.settled())) {
          writes.add(
              () ->
                  repository.recordStatus(
                      workload.id(),
                      placed.cluster(),
                      ReconcileOutcome.reconciled(serving, seen.settled(), now)));
        } else if (placed.reconciledAt() == null
            || !placed.reconciledAt().isAfter(now.minus(properties.reconcileInterval()))) {
          confirmed.add(new PlacementKey(workload.id(), placed.cluster()));
        }
        changed |=
            serving != placed.ready()
                || seen.settled() != placed.settled()
                || placed.lastError() != null;
        if (!failed.contains(placed.cluster())
            && !Objects.equals(seen.addresses(), placed.endpoints())) {
          writes.add(
              () -> {
                repository.recordEndpoints(workload.id(), placed.cluster(), seen.addresses());
                events.endpoints(
                    placed.cluster(),
                    workload.tenant(),
                    workload.name(),
                    workload.spec().application(),
                    seen.addresses());
              });
        }
      } else {
        writes.add(() -> failed(workload, placed, result.error(), now));
        changed |= placed.lastError() == null || placed.settled();
      }
    }
    boolean announce = changed;
    if (!writes.isEmpty() || announce) {
      tx.executeWithoutResult(
          status -> {
            writes.forEach(Runnable::run);
            if (announce) {
              repository.find(workload.id()).ifPresent(seen -> events.status(status(seen)));
            }
          });
    }
    if (changed
        && (heldBack
            || workload.clusters().stream().anyMatch(p -> !p.image().equals(workload.image())))) {
      // a cluster that just settled lets an upgrade move on to the next one now, and Ready
      // replicas recorded now let a cluster give up the replicas it held back
      touch(workload.tenant(), workload.name());
    }
  }

  /** What applying to one cluster gave: what it showed, or why it failed. */
  private record Applied(Workload.Placed placed, Seen seen, RuntimeException error) {}

  /**
   * Applies to each cluster side by side (a workload's clusters are independent, and a new one's
   * last cluster would otherwise wait for every call to the others), each with the Ready replicas
   * last recorded of the others.
   */
  private List<Applied> applyAll(
      Workload workload,
      List<Workload.Placed> due,
      Map<String, Integer> ready,
      RoomRegistries.Rooms rooms) {
    Applied[] applied = new Applied[due.size()];
    List<Runnable> calls = new ArrayList<>();
    for (int i = 0; i < due.size(); i++) {
      int slot = i;
      Workload.Placed placed = due.get(i);
      calls.add(
          () -> {
            try {
              applied[slot] = new Applied(placed, applyOnce(workload, placed, ready, rooms), null);
            } catch (RuntimeException e) {
              applied[slot] = new Applied(placed, null, e);
            }
          });
    }
    if (calls.size() == 1) {
      calls.get(0).run();
    } else {
      applies.runAll(calls);
    }
    // none missing unless stopped meanwhile: those are compared again once it runs
    return Arrays.stream(applied).filter(Objects::nonNull).toList();
  }

  /**
   * Nothing new to record: the same readiness and no error. Such a placement is only confirmed, at
   * the end of the round and with the others, once its {@code reconciledAt} (shown by the API) is
   * an interval old: touches come far more often than that.
   */
  private static boolean unchanged(Workload.Placed placed, int ready, boolean settled) {
    return placed.lastError() == null && placed.ready() == ready && placed.settled() == settled;
  }

  private static WorkloadStatus status(Workload workload) {
    return new WorkloadStatus(
        workload.tenant(),
        workload.name(),
        workload.version(),
        workload.image(),
        workload.replicas(),
        workload.clusters().stream()
            .map(
                p ->
                    new WorkloadStatus.Cluster(
                        p.cluster(),
                        p.replicas(),
                        p.image(),
                        p.ready(),
                        p.settled(),
                        p.lastError(),
                        p.waitingFor()))
            .toList());
  }

  /**
   * What a cluster showed; {@code heldBack}: it runs more than its share until Ready replicas
   * elsewhere cover the total.
   */
  private record Seen(int ready, boolean settled, List<String> addresses, boolean heldBack) {}

  /**
   * Applies, reading again once when the object changed between read and write (the cluster's
   * controllers write status all the time): a conflict is not worth a backoff.
   */
  private Seen applyOnce(
      Workload workload,
      Workload.Placed placed,
      Map<String, Integer> ready,
      RoomRegistries.Rooms rooms) {
    try {
      return apply(workload, placed, ready, rooms);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return apply(workload, placed, ready, rooms);
      }
      namespaces.removeIf(known -> known.startsWith(placed.cluster() + "/"));
      throw e;
    }
  }

  private Seen apply(
      Workload workload,
      Workload.Placed placed,
      Map<String, Integer> ready,
      RoomRegistries.Rooms rooms) {
    String cluster = placed.cluster();
    KubernetesClient client = clients.client(cluster);
    String namespace = workload.tenant();
    ensureNamespace(client, cluster, namespace);
    var deployments = client.apps().deployments().inNamespace(namespace);
    Deployment existing =
        caches.deployment(client, cluster, namespace, workload.name()).orElse(null);
    int replicas =
        Handover.replicas(
            placed.cluster(),
            placed.replicas(),
            existing == null ? 0 : existing.getSpec().getReplicas(),
            workload.replicas(),
            ready);
    // each room pulls from its own registry, by the name the platform keeps for it
    String image = rooms.imageFor(placed.cluster(), placed.image());
    Deployment desired =
        digests.changed(
            new ManifestDigests.Inputs(
                Deployment.class, namespace, workload.name(), workload.spec(), image, replicas),
            existing == null ? null : Manifests.applied(existing),
            () -> Manifests.deployment(workload, image, replicas, properties));
    boolean wrote = desired != null;
    if (desired != null && existing == null) {
      caches.wrote(cluster, deployments.resource(desired).create());
    } else if (desired != null) {
      Deployment changed = client.getKubernetesSerialization().clone(existing); // not the cache's
      changed.getMetadata().setLabels(desired.getMetadata().getLabels());
      changed.getMetadata().setAnnotations(desired.getMetadata().getAnnotations());
      changed.setSpec(desired.getSpec());
      caches.wrote(cluster, deployments.resource(changed).update());
    }
    if (!workload.spec().ports().isEmpty()) { // a worker without ports needs no Service
      applyService(client, cluster, workload);
    }
    DeploymentStatus status = existing == null ? null : existing.getStatus();
    Rollout.Observed observed =
        status == null
            ? null
            : new Rollout.Observed(
                existing.getMetadata().getGeneration(),
                status.getObservedGeneration(),
                count(status.getReplicas()),
                count(status.getUpdatedReplicas()),
                count(status.getReadyReplicas()));
    int readyNow = observed == null ? 0 : observed.readyReplicas();
    boolean settled = Rollout.settled(placed.replicas(), replicas, wrote, observed);
    return new Seen(
        readyNow,
        settled,
        addresses(client, cluster, namespace, workload.name()),
        replicas > placed.replicas());
  }

  private void applyService(KubernetesClient client, String cluster, Workload workload) {
    String namespace = workload.tenant();
    var services = client.services().inNamespace(namespace);
    Service current = caches.service(client, cluster, namespace, workload.name()).orElse(null);
    Service service =
        digests.changed(
            new ManifestDigests.Inputs(
                Service.class, namespace, workload.name(), workload.spec(), null, 0),
            current == null ? null : Manifests.applied(current),
            () -> Manifests.service(workload));
    if (service != null && current == null) {
      caches.wrote(cluster, services.resource(service).create());
    } else if (service != null) {
      Service changed = client.getKubernetesSerialization().clone(current);
      service.getSpec().setClusterIP(current.getSpec().getClusterIP());
      service.getSpec().setClusterIPs(current.getSpec().getClusterIPs());
      changed.getMetadata().setLabels(service.getMetadata().getLabels());
      changed.getMetadata().setAnnotations(service.getMetadata().getAnnotations());
      changed.setSpec(service.getSpec());
      caches.wrote(cluster, services.resource(changed).update());
    }
  }

  private void ensureNamespace(KubernetesClient client, String cluster, String namespace) {
    if (namespaces.contains(cluster + "/" + namespace)) {
      return;
    }
    if (client.namespaces().withName(namespace).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(namespace)
                  .addToLabels(Manifests.MANAGED_BY, Manifests.MANAGER)
                  .endMetadata()
                  .build())
          .create();
    }
    namespaces.add(cluster + "/" + namespace);
  }

  private List<String> addresses(
      KubernetesClient client, String cluster, String namespace, String name) {
    return ClusterCaches.readyAddresses(
        caches.endpoints(client, cluster, namespace, name).orElse(null));
  }

  /**
   * Moves an upgrade on by one cluster when {@link Rollout#next} says so; a cluster whose room's
   * registry lacks the image keeps what it runs and records why.
   */
  /** Whether it changed what is stored of the workload. */
  private boolean advanceRollout(Workload workload, RoomRegistries.Rooms rooms) {
    boolean changed = false;
    Map<String, String> waiting = new HashMap<>();
    // a followed push the tenant's gate stops reaches no cluster until a passing scan arrives
    String gated =
        workload.clusters().stream().allMatch(p -> p.image().equals(workload.image()))
            ? null
            : gate.check(workload.tenant(), workload.image())
                .map(b -> "the image gate refuses it: " + b.reason())
                .orElse(null);
    for (Workload.Placed placed : workload.clusters()) {
      String why =
          placed.image().equals(workload.image())
              ? null
              : gated != null
                  ? gated
                  : roomRegistries.waitingFor(rooms, placed.cluster(), workload.image());
      waiting.put(placed.cluster(), why);
      if (!Objects.equals(why, placed.waitingFor())) {
        repository.recordWaiting(workload.id(), placed.cluster(), why);
        changed = true;
      }
    }
    if (Rollout.next(workload, cluster -> waiting.get(cluster) == null)
        instanceof Rollout.Step.Next next) {
      tx.executeWithoutResult(
          status -> {
            repository.setImage(workload.id(), next.cluster(), workload.image());
            events.workload(
                ClusterEvents.Type.WORKLOAD_UPGRADED,
                workload.tenant(),
                workload.name(),
                events
                    .data()
                    .put("cluster", next.cluster())
                    .put("image", workload.image())
                    .put("step", next.step())
                    .put("of", next.of()));
          });
      return true;
    }
    return changed;
  }

  /** Deletes the workload's objects cluster by cluster, then the workload itself. */
  private void remove(Workload workload) {
    Instant now = clock.instant();
    for (Workload.Placed placed : workload.clusters()) {
      if (!leadership.isLeader()) {
        return;
      }
      if (placed.nextAttemptAt() != null && placed.nextAttemptAt().isAfter(now)) {
        continue;
      }
      try {
        KubernetesClient client = clients.client(placed.cluster());
        client
            .apps()
            .deployments()
            .inNamespace(workload.tenant())
            .withName(workload.name())
            .delete();
        client.services().inNamespace(workload.tenant()).withName(workload.name()).delete();
        caches.deleted(placed.cluster(), workload.tenant(), workload.name());
        tx.executeWithoutResult(
            status -> {
              repository.deletePlacement(workload.id(), placed.cluster());
              events.endpoints(
                  placed.cluster(),
                  workload.tenant(),
                  workload.name(),
                  workload.spec().application(),
                  List.of());
            });
      } catch (RuntimeException e) {
        failed(workload, placed, e, now);
      }
    }
    if (repository.find(workload.id()).map(w -> w.clusters().isEmpty()).orElse(false)) {
      tx.executeWithoutResult(
          status -> {
            repository.delete(workload.id());
            events.workload(
                ClusterEvents.Type.WORKLOAD_DELETED,
                workload.tenant(),
                workload.name(),
                events.data());
          });
    }
  }

  /** Records why a cluster could not be reconciled and when to try it again. */
  private void failed(Workload workload, Workload.Placed placed, RuntimeException e, Instant now) {
    repository.recordStatus(
        workload.id(),
        placed.cluster(),
        ReconcileOutcome.failed(
            placed,
            e.getClass().getSimpleName() + ": " + Optional.ofNullable(e.getMessage()).orElse(""),
            now,
            properties.reconcileInterval(),
            properties.maxBackoff()));
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}
