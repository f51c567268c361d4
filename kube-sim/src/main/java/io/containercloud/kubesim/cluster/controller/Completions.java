package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.convert.DurationStyle;

/**
 * How a pod that runs to completion ends, as its annotated object says (a Job, or the bare pod
 * itself): it runs for {@code kube-sim/duration} (else a default) once Ready, then its containers
 * exit 0, or 1 with {@code kube-sim/outcome: Failed}, each with the message of {@code
 * kube-sim/termination-message.<container>} if there is one (what a program writes to its
 * termination-message file).
 */
final class Completions {

  private Completions() {}

  /**
   * Whether the pod, Ready since it started, has run for the duration {@code annotated} asks; if
   * not, the round is asked to come back when it has.
   */
  static boolean due(Round round, Pod pod, HasMetadata annotated, Duration defaultDuration) {
    Instant started =
        Optional.ofNullable(pod.getStatus().getStartTime()).map(Instant::parse).orElse(null);
    if (!Pods.ready(pod) || started == null) {
      return false;
    }
    Instant due =
        started.plus(
            annotation(annotated, "kube-sim/duration")
                .map(DurationStyle::detectAndParse)
                .orElse(defaultDuration));
    if (round.now().isBefore(due)) {
      round.dueAt(due);
      return false;
    }
    return true;
  }

  /** Whether the run {@code annotated} describes succeeds ({@code kube-sim/outcome}). */
  static boolean succeeds(HasMetadata annotated) {
    return !"Failed".equalsIgnoreCase(annotation(annotated, "kube-sim/outcome").orElse(""));
  }

  /** The pod's containers exit and it ends {@code Succeeded} or {@code Failed}. */
  static void end(Round round, Pod pod, HasMetadata annotated, boolean succeeded) {
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
                                annotation(annotated, "kube-sim/termination-message." + c.getName())
                                    .orElse(null))
                            .withFinishedAt(round.now().toString())
                            .endTerminated()
                            .build());
                  });
          return p;
        });
  }

  private static Optional<String> annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(key));
  }
}
