package io.containercloud.orchestrator.application.model;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * When a service counts as Ready: every replica it should run (or at least {@code minReady}) Ready,
 * on its new image in every cluster, within {@code timeoutSeconds} of the step starting.
 *
 * @param minReady Ready replicas that suffice; none: all of them
 * @param timeoutSeconds how long a step waits before failing the operation (default 300)
 */
public record Readiness(
    @Min(value = 1, message = "must be at least 1") @Max(1000) Integer minReady,
    @Min(value = 1, message = "must be at least 1") @Max(86_400) Integer timeoutSeconds) {

  /** Every replica, within five minutes. */
  public static final Readiness ALL = new Readiness(null, null);

  public Readiness {
    timeoutSeconds = timeoutSeconds == null ? 300 : timeoutSeconds;
  }
}
