package io.containercloud.kubesim.cluster.controller;

import io.containercloud.kubesim.api.LocalApi;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/** The kinds the controllers read, each a watched {@link Cache} of one cluster. */
record Caches(
    Cache<Node> nodes,
    Cache<Pod> pods,
    Cache<Deployment> deployments,
    Cache<ReplicaSet> replicaSets,
    Cache<DaemonSet> daemonSets,
    Cache<StatefulSet> statefulSets,
    Cache<PersistentVolumeClaim> claims,
    Cache<Job> jobs,
    Cache<Service> services,
    Cache<Endpoints> endpoints,
    Cache<EndpointSlice> slices,
    Cache<ConfigMap> configMaps,
    Cache<Secret> secrets) {

  static Caches create() {
    return new Caches(
        new Cache<>(Node.class),
        new Cache<>(Pod.class),
        new Cache<>(Deployment.class),
        new Cache<>(ReplicaSet.class),
        new Cache<>(DaemonSet.class),
        new Cache<>(StatefulSet.class),
        new Cache<>(PersistentVolumeClaim.class),
        new Cache<>(Job.class),
        new Cache<>(Service.class),
        new Cache<>(Endpoints.class),
        new Cache<>(EndpointSlice.class),
        new Cache<>(ConfigMap.class),
        new Cache<>(Secret.class));
  }

  private List<Cache<?>> all() {
    return List.of(
        nodes,
        pods,
        deployments,
        replicaSets,
        daemonSets,
        statefulSets,
        claims,
        jobs,
        services,
        endpoints,
        slices,
        configMaps,
        secrets);
  }

  /** Fills every cache and keeps it in step; {@code onChange} runs after each change. */
  void start(LocalApi api, Runnable onChange) {
    all().forEach(cache -> cache.start(api, onChange));
  }

  void stop() {
    all().forEach(Cache::stop);
  }
}
