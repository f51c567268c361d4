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
 * What the control plane and kubelets of a real cluster would do, for what the platform uses: in
 * each round, each {@link Controller} takes one step against the cluster's own API (so everything
 * they do is visible through it), in the order registered here. That order lets a round carry a new
 * Deployment's pods from creation to Endpoints and metrics as soon as they are due, and a pod that
 * turns Ready into its Deployment's status and Endpoints in the round it does.
 *
 * <p>A round runs when something asks for one, as a real control plane's watches and work queues
 * make it react: a write from outside (a client of the API, a drill), a write of the round before
 * (which the controllers earlier in the order have not seen yet), or the moment a controller said
 * something falls due (a pod turning Ready); at the latest every {@code tick}. Rounds start at
 * least {@code gap} apart, and at least as long apart as the last one took, so a busy cluster's
 * rounds take at most half of a core. A loop on a fixed tick made every step of a Deployment wait
 * for the next tick: about half a second from creation to a Ready status at a 250 ms tick.
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
  private final Duration gap;
  private final Clock clock = Clock.systemUTC();
  private final PodMetrics metrics = new PodMetrics();
  private final Timeline timeline = new Timeline();
  private final Kubelet kubelet;
  private final Map<Controller, FailureThrottle> controllers = new LinkedHashMap<>();
  private final Object signal = new Object();
  private boolean asked; // guarded by signal
  private volatile boolean stopped;
  private volatile Thread loop;
  private boolean wrote; // the loop's thread only
  private final ContainerLogs logs; // null: none written
  private final Duration logInterval;
  private final FailureThrottle logFailures = new FailureThrottle(REPORT_WINDOW);
  private ScheduledExecutorService logWriter;

  /**
   * @param index the cluster's place among its siblings (0 first), for its pod addresses
   * @param podNetwork the first byte of its pod addresses
   * @param readyDelay how long a bound pod takes to turn Ready
   * @param jobDuration how long a Job's pod runs unless annotated
   * @param tick the longest a cluster goes without a round
   * @param gap the shortest time between the starts of two rounds
   * @param logs the container logs its kubelets write, or null for none
   * @param logInterval how often the Running containers write what they owe
   */
  public ClusterLifecycle(
      LocalApi api,
      String cluster,
      int index,
      int podNetwork,
      Duration readyDelay,
      Duration tick,
      Duration gap,
      Duration jobDuration,
      ContainerLogs logs,
      Duration logInterval) {
    this.api = api;
    this.logs = logs;
    this.logInterval = logInterval;
    this.caches = Caches.create();
    this.cluster = cluster;
    this.tick = tick;
    this.gap = gap;
    PodControl pods = new PodControl(index, podNetwork);
    this.kubelet = new Kubelet(readyDelay);
    DeploymentController deployments = new DeploymentController(pods);
    DaemonSetController daemonSets = new DaemonSetController(pods);
    StatefulSetController statefulSets = new StatefulSetController(pods);
    for (Controller controller :
        List.of(
            new VolumeBinder(),
            deployments,
            daemonSets,
            statefulSets,
            new JobController(pods, jobDuration),
            new PodScheduler(pods),
            new BarePods(jobDuration),
            new TaintEviction(pods),
            kubelet,
            // again after the kubelet: pods it turned Ready count in their owner's status in the
            // same round, as a real controller's watch has them counted within milliseconds
            (Controller) deployments::reconcile,
            (Controller) daemonSets::reconcile,
            (Controller) statefulSets::reconcile,
            timeline,
            new EndpointsController(),
            metrics)) {
      controllers.put(controller, new FailureThrottle(REPORT_WINDOW));
    }
  }

  /** Fills the caches (their watches run from here on), then runs rounds until stopped. */
  public void start() {
    Thread thread = new Thread(this::run, "lifecycle-" + cluster);
    thread.setDaemon(true);
    loop = thread;
    caches.start(api, this::changed);
    thread.start();
    if (logs != null) {
      // its own pace, not the rounds': containers write whether or not anything changes
      logWriter =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread writer = new Thread(r, "logs-" + cluster);
                writer.setDaemon(true);
                return writer;
              });
      logWriter.scheduleWithFixedDelay(
          this::writeLogs, 0, logInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void writeLogs() {
    try {
      logs.write(caches.pods().list(), clock.instant());
    } catch (RuntimeException e) { // a failure must not end the schedule
      logFailures
          .failed(clock.instant())
          .ifPresent(
              held ->
                  log.warn(
                      "cluster {}: container logs failed ({} more failures since the last"
                          + " report); retried in {}",
                      cluster,
                      held,
                      logInterval,
                      e));
    }
  }

  public void stop() {
    stopped = true;
    if (logWriter != null) {
      logWriter.shutdownNow();
    }
    Thread thread = loop;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    caches.stop();
  }

  /** An object changed: by the loop's own round (seen by the next), else from outside. */
  private void changed() {
    if (Thread.currentThread() == loop) {
      wrote = true;
    } else {
      ask();
    }
  }

  /** Asks for a round as soon as the gap allows. */
  private void ask() {
    synchronized (signal) {
      asked = true;
      signal.notifyAll();
    }
  }

  private void run() {
    while (!stopped) {
      Instant begun = clock.instant();
      wrote = false;
      Round round = new Round(api, caches, begun);
      controllers.forEach((controller, failures) -> step(controller, failures, round));
      Instant ended = clock.instant();
      Duration took = Duration.between(begun, ended);
      Instant earliest = max(begun.plus(gap), ended.plus(took));
      Instant latest = wrote ? earliest : max(earliest, min(ended.plus(tick), round.due()));
      try {
        await(earliest, latest);
      } catch (InterruptedException e) {
        return; // stopped
      }
    }
  }

  /** Returns at {@code latest}, or at {@code earliest} or later when a round was asked for. */
  private void await(Instant earliest, Instant latest) throws InterruptedException {
    synchronized (signal) {
      while (true) {
        Instant until = asked ? earliest : latest;
        long millis = Duration.between(clock.instant(), until).toMillis();
        if (millis <= 0) {
          asked = false;
          return;
        }
        signal.wait(millis);
      }
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * CPU use of a Deployment's pods (or, with {@code deployment} null, of the namespace's) as a
   * share of their requests, reported through {@code metrics.k8s.io}.
   */
  public void load(String namespace, String deployment, double utilisation) {
    metrics.load(namespace, deployment, utilisation);
    ask();
  }

  /** Holds a Deployment's pods unready (a failing readiness probe), or lets them be Ready. */
  public void ready(String namespace, String deployment, boolean ready) {
    kubelet.ready(namespace, deployment, ready);
    ask();
  }

  /**
   * Sets what the containers of a Deployment write to their logs ({@code null}: nothing).
   *
   * @throws ContainerLogs.Off when the cluster writes no container logs
   */
  public void chatter(String namespace, String deployment, ContainerLogs.Chatter chatter) {
    if (logs == null) {
      throw new ContainerLogs.Off();
    }
    logs.chatter(namespace, deployment, chatter);
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

  private void step(Controller controller, FailureThrottle failures, Round round) {
    try {
      controller.reconcile(round);
    } catch (RuntimeException e) {
      if (stopped) {
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
