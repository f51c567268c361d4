package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * kube-scheduler for the pods left without a node: bare pods ({@code kubectl run}, a hook's pod)
 * and workload pods that fitted nowhere when made (a node full or not Ready then). Each round tries
 * them again, as the scheduler's queue does, and binds those that fit now ({@link
 * PodControl#schedule}); the kubelet takes them from there. A pod made with {@code spec.nodeName}
 * skips the scheduler in Kubernetes; here it is admitted to that node the same way, if it fits.
 */
final class PodScheduler implements Controller {

  private final PodControl pods;

  PodScheduler(PodControl pods) {
    this.pods = pods;
  }

  @Override
  public void reconcile(Round round) {
    for (Pod pod : round.pods()) {
      if (pod.getSpec() != null
          && !Pods.admitted(pod)
          && !Pods.terminal(pod)
          && !Pods.deleting(pod)) {
        pods.schedule(round, pod);
      }
    }
  }
}
