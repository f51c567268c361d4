package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;

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
      String owner = controller(pod);
      if (Pods.label(pod, JOB) != null && owner != null && !jobs.contains(owner)) {
        podControl.delete(round, pod);
      }
    }
  }

  /** The uid of the object that controls the pod, if one does. */
  private static String controller(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners != null) {
      for (OwnerReference owner : owners) {
        if (Boolean.TRUE.equals(owner.getController())) {
          return owner.getUid();
        }
      }
    }
    return null;
  }

  private void reconcile(Round round, Job job, List<Pod> pods) {
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    Optional<Pod> existing =
        pods.stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .filter(p -> name.equals(Pods.label(p, JOB)))
            .filter(p -> job.getMetadata().getUid().equals(controller(p)))
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
    Instant started =
        Optional.ofNullable(pod.getStatus().getStartTime()).map(Instant::parse).orElse(null);
    if (!Pods.ready(pod) || started == null) {
      return;
    }
    Instant due = started.plus(duration(job));
    if (round.now().isBefore(due)) {
      round.dueAt(due);
      return;
    }
    boolean succeeded =
        !"Failed".equalsIgnoreCase(annotation(job, "kube-sim/outcome").orElse("Succeeded"));
    end(round, job, pod, succeeded);
    writeStatus(round, job, 0, succeeded ? 1 : 0, succeeded ? 0 : 1);
  }

  private static boolean finished(Job job) {
    return job.getStatus() != null
        && (job.getStatus().getCompletionTime() != null
            || Optional.ofNullable(job.getStatus().getFailed()).orElse(0) > 0);
  }

  /**
   * The pod's containers exit (0 or 1), each with the message of the Job's {@code
   * kube-sim/termination-message.<container>} annotation if there is one (what a program writes to
   * its termination-message file), and the pod ends {@code Succeeded} or {@code Failed}.
   */
  private static void end(Round round, Job job, Pod pod, boolean succeeded) {
    round.editPodStatus(
        pod,
        p -> {
          p.getStatus().setPhase(succeeded ? "Succeeded" : "Failed");
          p.getStatus()
              .setConditions(
                  List.of(
                      Pods.condition("PodScheduled", "True", null),
                      Pods.condition("Ready", "False", succeeded ? "PodCompleted" : "PodFailed")));
          p.getStatus()
              .getContainerStatuses()
              .forEach(
                  c -> {
                    c.setReady(false);
                    String startedAt =
                        c.getState() != null && c.getState().getRunning() != null
                            ? c.getState().getRunning().getStartedAt()
                            : null;
                    c.setState(
                        new ContainerStateBuilder()
                            .withNewTerminated()
                            .withExitCode(succeeded ? 0 : 1)
                            .withStartedAt(startedAt)
                            .withReason(succeeded ? "Completed" : "Error")
                            .withMessage(
                                annotation(job, "kube-sim/termination-message." + c.getName())
                                    .orElse(null))
                            .withFinishedAt(round.now().toString())
                            .endTerminated()
                            .build());
                  });
          return p;
        });
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

  private Duration duration(Job job) {
    return annotation(job, "kube-sim/duration")
        .map(DurationStyle::detectAndParse)
        .orElse(defaultDuration);
  }

  private static Optional<String> annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(key));
  }
}
