package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Job controller: a Job gets one pod (labels {@code job-name} and {@value #JOB}); once that pod
 * has been Ready for the Job's {@code kube-sim/duration} annotation (else the configured default),
 * it ends as the {@code kube-sim/outcome} annotation says ({@code Succeeded} unless {@code
 * Failed}), and the Job's status counts active, succeeded and failed pods with a {@code Complete}
 * or {@code Failed} condition. A finished Job is left alone. A Job's pod is the one it controls (by
 * uid: a Job made again under the same name gets a pod of its own); the pods of a Job that is gone
 * are deleted, as the garbage collector does (what Helm's hook deletion relies on).
 */
final class JobController implements Controller {

  private static final String JOB = "kube-sim/job";

  private final PodControl podControl;
  private final Duration defaultDuration;

  JobController(PodControl podControl, Duration defaultDuration) {
    this.podControl = podControl;
    this.defaultDuration = defaultDuration;
  }

  @Override
  public void reconcile(Round round) {
    List<Pod> pods = round.pods();
    Set<String> jobs = new HashSet<>();
    for (Job job : round.caches().jobs().list()) {
      jobs.add(job.getMetadata().getUid());
      if (!finished(job)) {
        reconcile(round, job, pods);
      }
    }
    for (Pod pod : pods) {
      String owner = Pods.controller(pod);
      if (Pods.label(pod, JOB) != null && owner != null && !jobs.contains(owner)) {
        podControl.delete(round, pod);
      }
    }
  }

  private void reconcile(Round round, Job job, List<Pod> pods) {
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    Optional<Pod> existing =
        pods.stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .filter(p -> name.equals(Pods.label(p, JOB)))
            .filter(p -> job.getMetadata().getUid().equals(Pods.controller(p)))
            .findFirst();
    if (existing.isEmpty()) {
      podControl.create(
          round,
          new PodControl.Owner(
              job,
              "batch/v1",
              job.getSpec().getTemplate(),
              name,
              Map.of(JOB, name, "job-name", name)));
      writeStatus(round, job, 1, 0, 0);
      return;
    }
    Pod pod = existing.get();
    if (!Completions.due(round, pod, job, defaultDuration)) {
      return;
    }
    boolean succeeded = Completions.succeeds(job);
    Completions.end(round, pod, job, succeeded);
    writeStatus(round, job, 0, succeeded ? 1 : 0, succeeded ? 0 : 1);
  }

  private static boolean finished(Job job) {
    return job.getStatus() != null
        && (job.getStatus().getCompletionTime() != null
            || Optional.ofNullable(job.getStatus().getFailed()).orElse(0) > 0);
  }

  private static void writeStatus(Round round, Job job, int active, int succeeded, int failed) {
    String now = round.now().toString();
    Job j = round.api().copy(job);
    var status =
        new JobStatusBuilder()
            .withStartTime(
                j.getStatus() != null && j.getStatus().getStartTime() != null
                    ? j.getStatus().getStartTime()
                    : now)
            .withActive(active)
            .withSucceeded(succeeded)
            .withFailed(failed);
    if (succeeded > 0) {
      status
          .withCompletionTime(now)
          .addNewCondition()
          .withType("Complete")
          .withStatus("True")
          .endCondition();
    } else if (failed > 0) {
      status
          .addNewCondition()
          .withType("Failed")
          .withStatus("True")
          .withReason("BackoffLimitExceeded")
          .endCondition();
    }
    j.setStatus(status.build());
    round.write(() -> round.api().updateStatus(j));
  }
}
