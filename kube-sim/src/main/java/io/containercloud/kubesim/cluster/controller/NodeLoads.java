package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pods that hold each node's resources (bound there, neither ended nor being deleted) with
 * their summed requests: indexed once per round and kept up to date as the round binds pods, so a
 * scheduling decision looks at one node's pods, not at every pod of the cluster per node.
 */
final class NodeLoads {

  /** What one node holds. */
  static final class Load {
    private final List<Pod> pods = new ArrayList<>();
    private long cpu;
    private long memory;

    List<Pod> pods() {
      return pods;
    }

    long cpu() {
      return cpu;
    }

    long memory() {
      return memory;
    }
  }

  private static final Load EMPTY = new Load();

  private final Map<String, Load> byNode = new HashMap<>();

  NodeLoads(List<Pod> pods) {
    pods.forEach(this::bound);
  }

  Load on(String node) {
    return byNode.getOrDefault(node, EMPTY);
  }

  /**
   * Counts a pod on the node it is bound to (a pod not admitted there yet, ended or being deleted
   * holds none: one made with {@code spec.nodeName} is not in its own way when it is admitted).
   */
  void bound(Pod pod) {
    if (!Pods.admitted(pod) || Pods.deleting(pod) || Pods.terminal(pod)) {
      return;
    }
    Load load = byNode.computeIfAbsent(pod.getSpec().getNodeName(), n -> new Load());
    load.pods.add(pod);
    load.cpu += Pods.requests(pod, "cpu", 1000);
    load.memory += Pods.requests(pod, "memory", 1);
  }
}
