package io.containercloud.cluster.workload;

import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.cluster.registry.ClusterProber;
import io.containercloud.common.leader.Leadership;
import io.containercloud.common.loop.BackgroundLoop;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the platform runs in each registered cluster, kept by watches on the leader: its Deployments
 * and Services (by the {@code managed-by} label) and the Endpoints of their namespaces. A change
 * there (replicas turning Ready, addresses moving, a Deployment deleted by hand) has its workload
 * reconciled at once, and reconciles read from here instead of asking the API server three times
 * per cluster (measured: with 250 workloads those reads were most of the load on the clusters' API
 * servers).
 *
 * <p>A read is answered by the API instead whenever the watched copy could be out of date: the
 * cluster is not watched (yet, or its watch broke), or the copy is older than what this service
 * last wrote there. So a cache that lags is slower, never wrong. The full rounds still see
 * everything; each round opens the watches that are missing (a new cluster, a new client, one that
 * closed).
 */
@Component
class ClusterCaches extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(ClusterCaches.class);

  private final ClusterClients clients;
  private final ClusterProber prober;
  private final Leadership leadership;

  /** Written for a deletion: no version the watch brings is as new. */
  private static final long GONE = Long.MAX_VALUE;

  private final Map<String, Watched> watched = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, String> onChange = (namespace, name) -> {};

  ClusterCaches(ClusterClients clients, ClusterProber prober, Leadership leadership) {
    super("cluster-caches", Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(1));
    this.clients = clients;
    this.prober = prober;
    this.leadership = leadership;
  }

  /** Told the namespace and name of each workload whose Deployment or Endpoints changed. */
  void onChange(BiConsumer<String, String> onChange) {
    this.onChange = onChange;
  }

  Optional<Deployment> deployment(KubernetesClient client, String cluster, String ns, String name) {
    return read(cluster, Watched::deployments, client.apps().deployments(), ns, name);
  }

  Optional<Service> service(KubernetesClient client, String cluster, String ns, String name) {
    return read(cluster, Watched::services, client.services(), ns, name);
  }

  Optional<Endpoints> endpoints(KubernetesClient client, String cluster, String ns, String name) {
    return read(cluster, Watched::endpoints, client.endpoints(), ns, name);
  }

  /** What the API answered to a write of ours: older copies are not read from here after it. */
  <T extends HasMetadata> T wrote(String cluster, T object) {
    Watched current = watched.get(cluster);
    if (current != null) {
      String key = written(object);
      long version = version(object);
      current.written().put(key, version);
      // the watch event often comes before the answer: then the copy is new enough already
      HasMetadata cached = current.cached(object);
      if (cached != null && version(cached) >= version) {
        current.written().remove(key, version);
      }
    }
    return object;
  }

  /**
   * A workload's Deployment and Service just deleted there: the watched copies are not read until
   * the watch has seen them go (a workload made again at once must not find the old ones).
   */
  void deleted(String cluster, String namespace, String name) {
    Watched current = watched.get(cluster);
    if (current != null) {
      for (Kind<?> kind : List.of(current.deployments(), current.services())) {
        String key =
            kind.informer().getApiTypeClass().getSimpleName() + "/" + namespace + "/" + name;
        current.written().put(key, GONE);
        if (kind.informer().getStore().getByKey(namespace + "/" + name) == null) {
          current.written().remove(key, GONE); // the watch saw it go already
        }
      }
    }
  }

  private <T extends HasMetadata> Optional<T> read(
      String cluster,
      Function<Watched, Kind<T>> kind,
      MixedOperation<T, ?, ? extends Resource<T>> api,
      String namespace,
      String name) {
    Watched current = watched.get(cluster);
    if (current != null && current.usable()) {
      SharedIndexInformer<T> informer = kind.apply(current).informer();
      T cached = informer.getStore().getByKey(namespace + "/" + name);
      Long mine =
          current
              .written()
              .get(informer.getApiTypeClass().getSimpleName() + "/" + namespace + "/" + name);
      if (mine == null || (cached != null && version(cached) >= mine)) {
        return Optional.ofNullable(cached);
      }
    }
    return Optional.ofNullable(api.inNamespace(namespace).withName(name).get());
  }

  @Override
  protected boolean round() {
    if (!leadership.isLeader()) {
      closeAll();
      return false;
    }
    Set<String> registered = Set.copyOf(clients.registered());
    watched.keySet().stream().filter(c -> !registered.contains(c)).toList().forEach(this::close);
    for (String cluster : registered) {
      try {
        KubernetesClient client = clients.client(cluster);
        Watched current = watched.get(cluster);
        if (current != null && current.client() == client && current.running()) {
          continue;
        }
        if (current != null && !prober.health(cluster).reachable()) {
          continue; // its watch broke with the cluster: started again once probes reach it
        }
        close(cluster);
        watched.put(cluster, watch(client));
      } catch (RuntimeException e) {
        // unreachable or just removed: reads go to the API, the next round tries again
        log.debug("cannot watch {}: {}", cluster, e.getMessage());
      }
    }
    return false;
  }

  private Watched watch(KubernetesClient client) {
    var deployments =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(Manifests.MANAGED_BY, Manifests.MANAGER)
            .runnableInformer(0);
    var services =
        client
            .services()
            .inAnyNamespace()
            .withLabel(Manifests.MANAGED_BY, Manifests.MANAGER)
            .runnableInformer(0);
    var endpoints = client.endpoints().inAnyNamespace().runnableInformer(0);
    Watched current =
        new Watched(
            client,
            new Kind<>(deployments),
            new Kind<>(services),
            new Kind<>(endpoints),
            new ConcurrentHashMap<>());
    deployments.addEventHandler(handler(current, key -> true, ClusterCaches::rolloutMoved));
    // the Endpoints of names the platform runs only: a namespace holds others too
    endpoints.addEventHandler(
        handler(
            current,
            key -> deployments.getStore().getByKey(key) != null,
            (old, now) -> !readyAddresses(old).equals(readyAddresses(now))));
    services.addEventHandler(handler(current, key -> false, (old, now) -> false));
    List.of(deployments, services, endpoints).forEach(SharedIndexInformer::start);
    return current;
  }

  /**
   * Drops what this service wrote once the watch brings it (or newer), and reports the change of a
   * workload's object when {@code touches} says it is one: an object added or deleted, or updated
   * in a way {@code moved} says a reconcile reads (about half of the updates a starting workload's
   * objects see are of fields it does not read, each a reconcile and its queries for nothing).
   */
  private <T extends HasMetadata> ResourceEventHandler<T> handler(
      Watched current, Predicate<String> touches, BiPredicate<T, T> moved) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        seen(object, true);
      }

      @Override
      public void onUpdate(T old, T object) {
        seen(object, moved.test(old, object));
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        current.written().remove(written(object), GONE);
        seen(object, true);
      }

      private void seen(T object, boolean changed) {
        current
            .written()
            .computeIfPresent(written(object), (k, mine) -> version(object) >= mine ? null : mine);
        if (changed
            && touches.test(
                object.getMetadata().getNamespace() + "/" + object.getMetadata().getName())) {
          onChange.accept(object.getMetadata().getNamespace(), object.getMetadata().getName());
        }
      }
    };
  }

  /**
   * What a reconcile reads of a Deployment changed: its labels, annotations or spec (someone else
   * wrote it), or the rollout's counts.
   */
  static boolean rolloutMoved(Deployment old, Deployment now) {
    return !Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
        || !Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())
        || !Objects.equals(old.getMetadata().getAnnotations(), now.getMetadata().getAnnotations())
        || !Objects.equals(counts(old.getStatus()), counts(now.getStatus()));
  }

  private static List<Object> counts(DeploymentStatus status) {
    return status == null
        ? List.of()
        : Arrays.asList(
            status.getObservedGeneration(),
            status.getReplicas(),
            status.getUpdatedReplicas(),
            status.getReadyReplicas());
  }

  /** The Ready addresses of Endpoints, the only part a reconcile reads. */
  static List<String> readyAddresses(Endpoints endpoints) {
    if (endpoints == null || endpoints.getSubsets() == null) {
      return List.of();
    }
    return endpoints.getSubsets().stream()
        .map(EndpointSubset::getAddresses)
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .map(EndpointAddress::getIp)
        .distinct()
        .sorted()
        .toList();
  }

  private void close(String cluster) {
    Watched gone = watched.remove(cluster);
    if (gone != null) {
      gone.kinds().forEach(k -> k.informer().stop());
    }
  }

  private void closeAll() {
    Set.copyOf(watched.keySet()).forEach(this::close);
  }

  @Override
  public void stop() {
    super.stop();
    closeAll();
  }

  /** The key of what this service wrote: the kind, namespace and name. */
  private static String written(HasMetadata object) {
    return object.getClass().getSimpleName()
        + "/"
        + object.getMetadata().getNamespace()
        + "/"
        + object.getMetadata().getName();
  }

  private static long version(HasMetadata object) {
    try {
      return Long.parseLong(object.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return GONE - 1; // not a number this service can order: the watched copy is as good
    }
  }

  private record Kind<T extends HasMetadata>(SharedIndexInformer<T> informer) {}

  /**
   * One cluster's watches, and the versions this service last wrote there by key (each dropped once
   * the watch brought it or a newer one).
   */
  private record Watched(
      KubernetesClient client,
      Kind<Deployment> deployments,
      Kind<Service> services,
      Kind<Endpoints> endpoints,
      Map<String, Long> written) {

    List<Kind<?>> kinds() {
      return List.of(deployments, services, endpoints);
    }

    /** The watched copy of the object, of whichever kind it is. */
    HasMetadata cached(HasMetadata object) {
      String key = object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
      return kinds().stream()
          .filter(k -> k.informer().getApiTypeClass() == object.getClass())
          .map(k -> (HasMetadata) k.informer().getStore().getByKey(key))
          .filter(Objects::nonNull)
          .findFirst()
          .orElse(null);
    }

    boolean running() {
      return kinds().stream().allMatch(k -> k.informer().isRunning());
    }

    boolean usable() {
      return kinds().stream().allMatch(k -> k.informer().isRunning() && k.informer().hasSynced());
    }
  }
}
