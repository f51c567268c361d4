package io.containercloud.kubesim.cluster.controller;

import io.containercloud.kubesim.api.LocalApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the control plane and kubelets of a real cluster would do, for what the platform uses: every
 * tick, each {@link Controller} takes one step against the cluster's own API (so everything they do
 * is visible through it), in the order registered here. That order lets a round carry a new
 * Deployment's pods from creation to Endpoints and metrics as soon as they are due.
 *
 * <p>A controller that fails is retried at the next tick and does not hold up the others; its
 * failures are logged at WARN, the first at once and then at most one per {@link #REPORT_WINDOW}
 * with the number held back, so a cluster that fails every tick does not bury the log.
 */
public final class ClusterLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ClusterLifecycle.class);
  private static final Duration REPORT_WINDOW = Duration.ofMinutes(1);

  private final LocalApi api;
  private final Caches caches;
  private final String cluster;
  private final Duration tick;
  private final Clock clock = Clock.systemUTC();
  private final PodMetrics metrics = new PodMetrics();
  private final Timeline timeline = new Timeline();
  private final Kubelet kubelet;
  private final Map<Controller, FailureThrottle> controllers = new LinkedHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  /**
   * @param index the cluster's place among its siblings (0 first), for its pod addresses
   * @param readyDelay how long a bound pod takes to turn Ready
   * @param jobDuration how long a Job's pod runs unless annotated
   */
  public ClusterLifecycle(
      LocalApi api,
      String cluster,
      int index,
      Duration readyDelay,
      Duration tick,
      Duration jobDuration) {
    this.api = api;
    this.caches = Caches.create();
    this.cluster = cluster;
    this.tick = tick;
    PodControl pods = new PodControl(index);
    this.kubelet = new Kubelet(readyDelay);
    for (Controller controller :
        List.of(
            new DeploymentController(pods),
            timeline,
            new JobController(pods, jobDuration),
            kubelet,
            new EndpointsController(),
            metrics)) {
      controllers.put(controller, new FailureThrottle(REPORT_WINDOW));
    }
  }

  /** Fills the caches (their watches run from here on), then runs a round every tick. */
  public void start() {
    caches.start(api);
    loop.scheduleWithFixedDelay(this::round, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void stop() {
    loop.shutdownNow();
    caches.stop();
  }

  /**
   * CPU use of a Deployment's pods (or, with {@code deployment} null, of the namespace's) as a
   * share of their requests, reported through {@code metrics.k8s.io}.
   */
  public void load(String namespace, String deployment, double utilisation) {
    metrics.load(namespace, deployment, utilisation);
  }

  /** Holds a Deployment's pods unready (a failing readiness probe), or lets them be Ready. */
  public void ready(String namespace, String deployment, boolean ready) {
    kubelet.ready(namespace, deployment, ready);
  }

  /** What happened to the Deployments of {@code namespace} (all when null), oldest first. */
  public List<TimelineEntry> timeline(String namespace) {
    return timeline.entries(namespace);
  }

  /**
   * One thing that happened to a Deployment: {@code created}, {@code ready} (every replica), {@code
   * scaled-to-zero}, {@code stopped} (no replica left), {@code image}, {@code deleted}.
   */
  public record TimelineEntry(
      Instant at, String namespace, String deployment, String event, String detail) {}

  private void round() {
    Round round = new Round(api, caches, clock.instant());
    controllers.forEach((controller, failures) -> step(controller, failures, round));
  }

  private void step(Controller controller, FailureThrottle failures, Round round) {
    try {
      controller.reconcile(round);
    } catch (RuntimeException e) {
      if (loop.isShutdown()) {
        return; // stopping: calls cut short by the interrupt or the closing client are no failure
      }
      failures
          .failed(clock.instant())
          .ifPresent(
              held ->
                  log.warn(
                      "cluster {}: {} failed ({} more failures since the last report); the next"
                          + " tick retries",
                      cluster,
                      controller.getClass().getSimpleName(),
                      held,
                      e));
    }
  }
}
