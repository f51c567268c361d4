package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;

/**
 * The end of bare pods that run to completion ({@code restartPolicy} {@code Never} or {@code
 * OnFailure} and no controller: {@code kubectl run --restart=Never}, a chart's test pod): they end
 * as their own annotations say ({@link Completions}), as a Job's pod ends as its Job's say, except
 * that an {@code OnFailure} pod whose run fails is restarted and runs on. A bare pod that restarts
 * {@code Always}, the default, runs until deleted.
 */
final class BarePods implements Controller {

  private final Duration defaultDuration;

  BarePods(Duration defaultDuration) {
    this.defaultDuration = defaultDuration;
  }

  @Override
  public void reconcile(Round round) {
    for (Pod pod : round.pods()) {
      if (runsToCompletion(pod)
          && Pods.controller(pod) == null
          && !Pods.terminal(pod)
          && !Pods.deleting(pod)
          && Completions.due(round, pod, pod, defaultDuration)) {
        boolean succeeds = Completions.succeeds(pod);
        // OnFailure: a failed container is restarted, the pod never ends Failed
        if (succeeds || "Never".equals(pod.getSpec().getRestartPolicy())) {
          Completions.end(round, pod, pod, succeeds);
        }
      }
    }
  }

  private static boolean runsToCompletion(Pod pod) {
    String policy = pod.getSpec() == null ? null : pod.getSpec().getRestartPolicy();
    return "Never".equals(policy) || "OnFailure".equals(policy);
  }
}
