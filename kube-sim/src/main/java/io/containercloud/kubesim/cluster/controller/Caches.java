package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The kinds the controllers read, each a watched {@link Cache} of one cluster. */
record Caches(
    Cache<Node> nodes,
    Cache<Pod> pods,
    Cache<Deployment> deployments,
    Cache<Job> jobs,
    Cache<Service> services,
    Cache<Endpoints> endpoints,
    Cache<EndpointSlice> slices) {

  static Caches of(KubernetesClient client) {
    return new Caches(
        new Cache<>(client.nodes().runnableInformer(0)),
        new Cache<>(client.pods().inAnyNamespace().runnableInformer(0)),
        new Cache<>(client.apps().deployments().inAnyNamespace().runnableInformer(0)),
        new Cache<>(client.batch().v1().jobs().inAnyNamespace().runnableInformer(0)),
        new Cache<>(client.services().inAnyNamespace().runnableInformer(0)),
        new Cache<>(client.endpoints().inAnyNamespace().runnableInformer(0)),
        new Cache<>(client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0)));
  }

  private List<Cache<?>> all() {
    return List.of(nodes, pods, deployments, jobs, services, endpoints, slices);
  }

  void start() {
    all().forEach(Cache::start);
  }

  void stop() {
    all().forEach(Cache::stop);
  }
}
