package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Endpoints and EndpointSlice controllers: a Service with a selector gets Endpoints of its own
 * name, and an EndpointSlice {@code <service>-kube-sim}, holding the Ready pods it selects (by IP)
 * and its target ports; each is written only when what it holds changes.
 */
final class EndpointsController implements Controller {

  @Override
  public void reconcile(Round round) {
    List<Pod> pods = round.pods();
    for (Service service : round.caches().services().list()) {
      Map<String, String> selector = service.getSpec().getSelector();
      if (selector != null && !selector.isEmpty()) {
        List<Pod> ready = readyPods(service, pods);
        Endpoints endpoints = endpoints(service, ready);
        apply(round, endpoints);
        apply(round, slice(service, ready, endpoints));
      }
    }
  }

  /** The Ready pods the service selects in its namespace, by IP. */
  private static List<Pod> readyPods(Service service, List<Pod> pods) {
    String namespace = service.getMetadata().getNamespace();
    Map<String, String> selector = service.getSpec().getSelector();
    return pods.stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .filter(Pods::ready)
        .filter(p -> !Pods.deleting(p))
        .filter(
            p ->
                p.getMetadata().getLabels() != null
                    && selector.entrySet().stream()
                        .allMatch(
                            e -> e.getValue().equals(p.getMetadata().getLabels().get(e.getKey()))))
        .sorted(Comparator.comparing(p -> p.getStatus().getPodIP()))
        .toList();
  }

  private static Endpoints endpoints(Service service, List<Pod> ready) {
    String namespace = service.getMetadata().getNamespace();
    EndpointSubsetBuilder subset = new EndpointSubsetBuilder();
    for (Pod pod : ready) {
      subset.addToAddresses(
          new EndpointAddressBuilder()
              .withIp(pod.getStatus().getPodIP())
              .withNodeName(pod.getSpec().getNodeName())
              .withNewTargetRef()
              .withKind("Pod")
              .withName(pod.getMetadata().getName())
              .withNamespace(namespace)
              .endTargetRef()
              .build());
    }
    for (ServicePort port : service.getSpec().getPorts()) {
      IntOrString target = port.getTargetPort();
      int number =
          target != null && target.getIntVal() != null ? target.getIntVal() : port.getPort();
      subset.addToPorts(
          new EndpointPortBuilder()
              .withName(port.getName())
              .withPort(number)
              .withProtocol(Optional.ofNullable(port.getProtocol()).orElse("TCP"))
              .build());
    }
    return new EndpointsBuilder()
        .withNewMetadata()
        .withName(service.getMetadata().getName())
        .withNamespace(namespace)
        .withLabels(Map.of("kube-sim/service", service.getMetadata().getName()))
        .endMetadata()
        .withSubsets(ready.isEmpty() ? List.of() : List.of(subset.build()))
        .build();
  }

  /** The same addresses as a discovery.k8s.io/v1 EndpointSlice, as newer consumers read them. */
  private static EndpointSlice slice(Service service, List<Pod> ready, Endpoints endpoints) {
    String namespace = service.getMetadata().getNamespace();
    List<EndpointPort> ports =
        endpoints.getSubsets().isEmpty() ? List.of() : endpoints.getSubsets().get(0).getPorts();
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service.getMetadata().getName() + "-kube-sim")
        .withNamespace(namespace)
        .addToLabels("kubernetes.io/service-name", service.getMetadata().getName())
        .endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(
            ready.stream()
                .map(
                    pod ->
                        new EndpointBuilder()
                            .withAddresses(pod.getStatus().getPodIP())
                            .withNodeName(pod.getSpec().getNodeName())
                            .withNewConditions()
                            .withReady(true)
                            .withServing(true)
                            .withTerminating(false)
                            .endConditions()
                            .withNewTargetRef()
                            .withKind("Pod")
                            .withName(pod.getMetadata().getName())
                            .withNamespace(namespace)
                            .endTargetRef()
                            .build())
                .toList())
        .withPorts(
            ports.stream()
                .map(
                    p ->
                        new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder()
                            .withName(p.getName())
                            .withPort(p.getPort())
                            .withProtocol(p.getProtocol())
                            .build())
                .toList())
        .build();
  }

  private static void apply(Round round, Endpoints wanted) {
    Endpoints current =
        round
            .caches()
            .endpoints()
            .get(wanted.getMetadata().getNamespace(), wanted.getMetadata().getName())
            .orElse(null);
    if (current == null) {
      round.write(() -> round.api().create(wanted));
    } else if (!Objects.equals(current.getSubsets(), wanted.getSubsets())) {
      Endpoints changed = round.api().copy(current); // the cache's own stays as it was
      changed.setSubsets(wanted.getSubsets());
      round.write(() -> round.api().update(changed));
    }
  }

  private static void apply(Round round, EndpointSlice wanted) {
    EndpointSlice current =
        round
            .caches()
            .slices()
            .get(wanted.getMetadata().getNamespace(), wanted.getMetadata().getName())
            .orElse(null);
    if (current == null) {
      round.write(() -> round.api().create(wanted));
    } else if (!Objects.equals(current.getEndpoints(), wanted.getEndpoints())
        || !Objects.equals(current.getPorts(), wanted.getPorts())) {
      EndpointSlice changed = round.api().copy(current);
      changed.setEndpoints(wanted.getEndpoints());
      changed.setPorts(wanted.getPorts());
      round.write(() -> round.api().update(changed));
    }
  }
}
