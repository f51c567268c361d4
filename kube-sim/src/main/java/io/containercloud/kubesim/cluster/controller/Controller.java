package io.containercloud.kubesim.cluster.controller;

/**
 * One component of a simulated cluster (a controller of the control plane, the kubelet, the metrics
 * server), run as one step of every lifecycle round. "Controller" is meant as in Kubernetes, not as
 * an HTTP controller.
 */
interface Controller {

  /**
   * Takes one step from what the cluster's API holds towards what it asks for, writing only through
   * the API (pods through the round's pod methods, so the controllers after it see them). It must
   * never wait: whatever is not due yet (a pod's readiness, a Job's end) is looked at again in the
   * next round. A step that throws is logged and retried in the next round, so a write that failed
   * halfway is made again from what the API then holds.
   */
  void reconcile(Round round);
}
