package io.containercloud.cluster.workload.model;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An image upgrade goes one cluster at a time: the next cluster gets the new image only once every
 * cluster already on it has fully rolled out, so a bad image stops after the first cluster.
 */
public final class Rollout {

  private Rollout() {}

  /** What an upgrade should do next. */
  public sealed interface Step {

    /** A cluster already on the new image has not rolled it out yet. */
    record Wait() implements Step {}

    /** Every cluster has the workload's image. */
    record Done() implements Step {}

    /** {@code cluster} gets the new image: step {@code step} of {@code of}. */
    record Next(String cluster, long step, int of) implements Step {}
  }

  /**
   * What a Deployment's status reports.
   *
   * @param generation the Deployment's generation (its spec's version)
   * @param observedGeneration the generation its controller has acted on, or null
   */
  public record Observed(
      Long generation,
      Long observedGeneration,
      int replicas,
      int updatedReplicas,
      int readyReplicas) {}

  /**
   * The next step of an upgrade to the workload's image; clusters take it in name order, skipping
   * those {@code mayTake} holds back (their room's registry lacks the image), which keep what they
   * run. A cluster without replicas needs no waiting.
   */
  public static Step next(Workload workload, Predicate<String> mayTake) {
    String image = workload.image();
    boolean busy =
        workload.clusters().stream()
            .anyMatch(p -> p.image().equals(image) && p.replicas() > 0 && !p.settled());
    if (busy) {
      return new Step.Wait();
    }
    long done = workload.clusters().stream().filter(p -> p.image().equals(image)).count();
    List<Workload.Placed> behind =
        workload.clusters().stream()
            .filter(p -> !p.image().equals(image))
            .sorted(Comparator.comparing(Workload.Placed::cluster))
            .toList();
    if (behind.isEmpty()) {
      return new Step.Done();
    }
    return behind.stream()
        .filter(p -> mayTake.test(p.cluster()))
        .findFirst()
        .<Step>map(p -> new Step.Next(p.cluster(), done + 1, workload.clusters().size()))
        .orElseGet(Step.Wait::new);
  }

  /**
   * Whether a cluster has fully rolled out what it should run: nothing was written this round, no
   * replicas are held back for a hand-over, and the controller reports the current generation with
   * every replica updated and Ready.
   *
   * @param share the cluster's share by the split
   * @param replicas what was asked of the Deployment this round
   * @param wrote whether the Deployment was written this round
   * @param observed its status as read before this round, or null when it had none
   */
  public static boolean settled(int share, int replicas, boolean wrote, Observed observed) {
    return !wrote
        && replicas == share
        && observed != null
        && Objects.equals(observed.observedGeneration(), observed.generation())
        && observed.updatedReplicas() == replicas
        && observed.replicas() == replicas
        && observed.readyReplicas() == replicas;
  }
}
