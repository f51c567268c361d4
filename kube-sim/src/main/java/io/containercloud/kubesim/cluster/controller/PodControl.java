package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates and deletes the pods of the workload controllers, as Kubernetes' {@code PodControl} does.
 * A new pod is bound at once where the {@link Scheduler} says and gets its addresses there (a real
 * cluster's scheduler and network plugin, folded in); a pod that fits nowhere stays Pending with
 * {@code PodScheduled=False} until {@link PodScheduler} finds it a place. Names and addresses are
 * counted per cluster, so they never repeat across owners.
 */
final class PodControl {

  private final int index;
  private final int network;
  private final AtomicInteger names = new AtomicInteger();
  private final AtomicInteger addresses = new AtomicInteger();

  /**
   * @param index the cluster's place among its siblings: its pods get {@code
   *     <network>.<100+index>.x.y}
   * @param network the first byte of pod addresses
   */
  PodControl(int index, int network) {
    this.index = index;
    this.network = network;
  }

  /**
   * What a new pod is made from and belongs to.
   *
   * @param object the controlling object (its namespace is the pod's)
   * @param apiVersion the object's, for the owner reference
   * @param namePrefix the pod's name is this, a dash and a counter
   * @param labels added to the template's labels
   */
  record Owner(
      HasMetadata object,
      String apiVersion,
      PodTemplateSpec template,
      String namePrefix,
      Map<String, String> labels) {}

  /**
   * Creates a pod of the owner, bound if it fits (counted on its node, so the next pod the round
   * schedules sees it).
   */
  Pod create(Round round, Owner owner) {
    Pod pod = newPod(owner);
    bind(pod, round, round.nodes());
    return round.createPod(pod);
  }

  /** Creates a pod of the owner under a name of its own (a StatefulSet's), bound if it fits. */
  Pod create(Round round, Owner owner, String name) {
    Pod pod = newPod(owner);
    pod.getMetadata().setName(name);
    bind(pod, round, round.nodes());
    return round.createPod(pod);
  }

  /**
   * Creates a pod of the owner for one node (a DaemonSet's), bound there if it fits; the node is
   * named in the pod's required node affinity, as the DaemonSet controller does, so that a pod left
   * Pending still says where it belongs ({@link #node}).
   */
  Pod create(Round round, Owner owner, Node node) {
    Pod pod = newPod(owner);
    String name = node.getMetadata().getName();
    pod.getSpec()
        .setAffinity(
            new AffinityBuilder(pod.getSpec().getAffinity())
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchField()
                .withKey("metadata.name")
                .withOperator("In")
                .withValues(name)
                .endMatchField()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .build());
    bind(pod, round, List.of(node));
    return round.createPod(pod);
  }

  /**
   * The node a pod runs on, or for a Pending one of {@link #create(Round, Owner, Node)}, is for.
   */
  static String node(Pod pod) {
    if (pod.getSpec().getNodeName() != null) {
      return pod.getSpec().getNodeName();
    }
    return Optional.ofNullable(pod.getSpec().getAffinity())
        .map(a -> a.getNodeAffinity())
        .map(a -> a.getRequiredDuringSchedulingIgnoredDuringExecution())
        .flatMap(r -> r.getNodeSelectorTerms().stream().findFirst())
        .flatMap(t -> t.getMatchFields().stream().findFirst())
        .filter(f -> f.getKey().equals("metadata.name") && f.getValues().size() == 1)
        .map(f -> f.getValues().get(0))
        .orElse(null);
  }

  /**
   * Tries a pending pod again (one that fitted nowhere when made, or came without a node: {@code
   * kubectl run}): bound where it fits now, or left Pending saying it is unschedulable.
   */
  void schedule(Round round, Pod pending) {
    Pod pod = round.api().copy(pending);
    if (pod.getStatus() == null) {
      pod.setStatus(new PodStatusBuilder().withPhase("Pending").build());
    }
    String named = node(pod);
    List<Node> candidates =
        named == null
            ? round.nodes()
            : round.nodes().stream().filter(n -> n.getMetadata().getName().equals(named)).toList();
    bind(pod, round, candidates);
    if (Pods.admitted(pod)) {
      round.bindPod(pod);
    } else if (!unschedulable(pending)) {
      round.editPodStatus(
          pending,
          p -> {
            p.setStatus(pod.getStatus());
            return p;
          });
    }
  }

  private static boolean unschedulable(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("PodScheduled") && "False".equals(c.getStatus()));
  }

  void delete(Round round, Pod pod) {
    round.deletePod(pod); // one already gone is no failure
  }

  private Pod newPod(Owner owner) {
    PodTemplateSpec template = owner.template();
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.putAll(owner.labels());
    HasMetadata object = owner.object();
    return new PodBuilder()
        .withNewMetadata()
        .withName(owner.namePrefix() + "-" + Integer.toString(names.incrementAndGet(), 36))
        .withNamespace(object.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(owner.apiVersion())
                .withKind(object.getKind())
                .withName(object.getMetadata().getName())
                .withUid(object.getMetadata().getUid())
                .withController(true)
                .build())
        .endMetadata()
        .withSpec(Serialization.clone(template.getSpec()))
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }

  private void bind(Pod pod, Round round, List<Node> candidates) {
    List<Node> nodes = round.nodes();
    Optional<Node> node = Scheduler.select(pod, candidates, round.loads());
    if (node.isEmpty()) {
      pod.getStatus()
          .setConditions(List.of(Pods.condition("PodScheduled", "False", "Unschedulable")));
      return;
    }
    pod.getSpec().setNodeName(node.get().getMetadata().getName());
    int n = addresses.incrementAndGet();
    pod.getStatus().setPodIP(network + "." + (100 + index) + "." + (n / 250) + "." + (n % 250 + 1));
    pod.getStatus().setHostIP("192.168." + index + "." + (nodes.indexOf(node.get()) + 1));
    pod.getStatus().setStartTime(round.now().toString());
    pod.getStatus().setConditions(List.of(Pods.condition("PodScheduled", "True", null)));
    round.loads().bound(pod);
  }
}
