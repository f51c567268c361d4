package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelets of all nodes: a bound pod on a Ready node turns {@code Running} and Ready, its
 * containers started, once {@code pod-ready-delay} has passed since it was bound, or since the last
 * ConfigMap, Secret, key or Bound claim it needs appeared ({@link PodReferences}: until then its
 * containers wait with {@code CreateContainerConfigError} saying what is missing); a Ready pod
 * whose node is not Ready any more stops being Ready (and so leaves its Endpoints). A Deployment
 * held unready (a drill: its readiness probe never passes) keeps its pods running but not Ready.
 * Ended pods are left alone.
 */
final class Kubelet implements Controller {

  private final Duration readyDelay;
  private final Set<String> held = ConcurrentHashMap.newKeySet();

  /** Pods that waited for a ConfigMap or Secret, by uid: when they could start (null: not yet). */
  private final Map<String, Instant> released = new HashMap<>();

  Kubelet(Duration readyDelay) {
    this.readyDelay = readyDelay;
  }

  /** Holds the Deployment's pods unready ({@code ready} false) or lets them turn Ready again. */
  void ready(String namespace, String deployment, boolean ready) {
    if (ready) {
      held.remove(namespace + "/" + deployment);
    } else {
      held.add(namespace + "/" + deployment);
    }
  }

  @Override
  public void reconcile(Round round) {
    Set<String> pods = new HashSet<>();
    for (Pod pod : round.pods()) {
      pods.add(pod.getMetadata().getUid());
      if (Pods.admitted(pod) && !Pods.terminal(pod)) {
        reconcile(round, pod);
      }
    }
    released.keySet().retainAll(pods);
  }

  private void reconcile(Round round, Pod pod) {
    String nodeName = pod.getSpec().getNodeName();
    boolean nodeReady = round.readyNodes().contains(nodeName);
    boolean probeFails = held.contains(pod.getMetadata().getNamespace() + "/" + owner(pod));
    if (Pods.ready(pod)) {
      if (!nodeReady || probeFails) {
        notReady(round, pod);
      }
      return;
    }
    if (probeFails) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    List<String> missing =
        PodReferences.missing(
            pod,
            (namespace, name) -> round.caches().configMaps().get(namespace, name),
            (namespace, name) -> round.caches().secrets().get(namespace, name),
            (namespace, name) -> round.caches().claims().get(namespace, name));
    if (!missing.isEmpty()) {
      released.put(uid, null);
      waiting(round, pod, String.join("; ", missing));
      return;
    }
    if (released.containsKey(uid) && released.get(uid) == null) {
      released.put(uid, round.now());
    }
    Instant started =
        Optional.ofNullable(released.get(uid))
            .or(() -> Optional.ofNullable(pod.getStatus().getStartTime()).map(Instant::parse))
            .orElse(Instant.EPOCH);
    Instant due = started.plus(readyDelay);
    if (nodeReady && !round.now().isBefore(due)) {
      ready(round, pod);
    } else if (nodeReady) {
      round.dueAt(due);
    }
  }

  private static String owner(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(DeploymentController.OWNER);
  }

  /** The containers wait for what the pod needs, as the kubelet reports it (written once). */
  private static void waiting(Round round, Pod pod, String message) {
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses != null
        && !statuses.isEmpty()
        && statuses.get(0).getState() != null
        && statuses.get(0).getState().getWaiting() != null
        && message.equals(statuses.get(0).getState().getWaiting().getMessage())) {
      return;
    }
    round.editPodStatus(
        pod,
        p -> {
          p.getStatus()
              .setContainerStatuses(
                  p.getSpec().getContainers().stream()
                      .map(
                          c ->
                              new ContainerStatusBuilder()
                                  .withName(c.getName())
                                  .withImage(c.getImage())
                                  .withReady(false)
                                  .withStarted(false)
                                  .withRestartCount(0)
                                  .withNewState()
                                  .withNewWaiting()
                                  .withReason("CreateContainerConfigError")
                                  .withMessage(message)
                                  .endWaiting()
                                  .endState()
                                  .build())
                      .toList());
          return p;
        });
  }

  private static void notReady(Round round, Pod pod) {
    round.editPodStatus(
        pod,
        p -> {
          p.getStatus().getConditions().stream()
              .filter(c -> "Ready".equals(c.getType()))
              .forEach(c -> c.setStatus("False"));
          return p;
        });
  }

  private static void ready(Round round, Pod pod) {
    round.editPodStatus(
        pod,
        p -> {
          p.getStatus().setPhase("Running");
          p.getStatus()
              .setConditions(
                  List.of(
                      Pods.condition("PodScheduled", "True", null),
                      Pods.condition("Initialized", "True", null),
                      Pods.condition("ContainersReady", "True", null),
                      Pods.condition("Ready", "True", null)));
          // init containers ran to completion before the pod's containers started
          p.getStatus()
              .setInitContainerStatuses(
                  Optional.ofNullable(p.getSpec().getInitContainers()).orElse(List.of()).stream()
                      .map(c -> completed(c.getName(), c.getImage(), round.now()))
                      .toList());
          p.getStatus()
              .setContainerStatuses(
                  p.getSpec().getContainers().stream()
                      .map(c -> running(c.getName(), c.getImage(), round.now()))
                      .toList());
          return p;
        });
  }

  private static ContainerStatus completed(String name, String image, Instant at) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage(image)
        .withReady(true)
        .withStarted(false)
        .withRestartCount(0)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .withReason("Completed")
        .withStartedAt(at.toString())
        .withFinishedAt(at.toString())
        .endTerminated()
        .endState()
        .build();
  }

  private static ContainerStatus running(String name, String image, Instant since) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage(image)
        .withReady(true)
        .withStarted(true)
        .withRestartCount(0)
        .withNewState()
        .withNewRunning()
        .withStartedAt(since.toString())
        .endRunning()
        .endState()
        .build();
  }
}
