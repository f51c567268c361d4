package io.containercloud.nginxagent.health;

import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginxagent.render.Renderer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Active HTTP health checks of upstream members, for OSS nginx (Tengine checks by itself). A member
 * is down after {@code fall} failed probes in a row and up again after {@code rise} good ones;
 * every change calls {@code onChange} so the configuration is rendered again without it. A member
 * taken out of its upstream and put back within its check interval keeps its state and its next
 * probe: a member set that changes many times a second neither probes its members anew each time
 * nor takes a member that was down for a fresh, healthy one.
 */
public final class MemberProbes {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ExecutorService probing =
      Executors.newCachedThreadPool(
          probe -> {
            Thread thread = new Thread(probe, "member-probe");
            thread.setDaemon(true);
            return thread;
          });
  private final Runnable onChange;
  private final Map<Target, State> states = new ConcurrentHashMap<>();

  public MemberProbes(Runnable onChange) {
    this.onChange = onChange;
  }

  private record Target(String upstream, String address) {}

  private static final class State {
    volatile Upstream.HealthCheck check;
    volatile boolean up = true;
    volatile int successes;
    volatile int failures;
    volatile long nextAtNanos;
    volatile boolean inFlight;
    volatile boolean followed = true;
    volatile long unfollowedAtNanos;
  }

  /**
   * Probes exactly the members these upstreams serve with; the others are forgotten once their
   * check interval has passed without them.
   */
  public void follow(List<Upstream> upstreams) {
    Set<Target> wanted = new HashSet<>();
    for (Upstream upstream : upstreams) {
      for (Renderer.Member member : Renderer.members(upstream)) {
        Target target = new Target(upstream.name(), member.address());
        wanted.add(target);
        State state = states.computeIfAbsent(target, t -> new State());
        state.check = upstream.healthCheck();
        state.followed = true;
      }
    }
    long now = System.nanoTime();
    states
        .entrySet()
        .removeIf(
            entry -> {
              State state = entry.getValue();
              if (wanted.contains(entry.getKey())) {
                return false;
              }
              if (state.followed) {
                state.followed = false;
                state.unfollowedAtNanos = now;
              }
              return now - state.unfollowedAtNanos
                  > Renderer.millis(state.check.interval()) * 1_000_000;
            });
  }

  /** Stops probing; a probe under way is interrupted. */
  public void close() {
    probing.shutdownNow();
  }

  /** Starts the probes that are due; call often (every 100-250 ms). */
  public void probeDue() {
    long now = System.nanoTime();
    states.forEach(
        (target, state) -> {
          if (!state.followed || state.inFlight || now - state.nextAtNanos < 0) {
            return;
          }
          Upstream.HealthCheck check = state.check;
          state.inFlight = true;
          state.nextAtNanos = now + Renderer.millis(check.interval()) * 1_000_000;
          HttpRequest request =
              HttpRequest.newBuilder(URI.create("http://" + target.address() + check.path()))
                  .timeout(Duration.ofMillis(Renderer.millis(check.timeout())))
                  .GET()
                  .build();
          probing.execute(() -> record(state, answers(request, check)));
        });
  }

  /**
   * One probe, blocking on a reused thread: the client's own asynchronous path hands each answer to
   * the JDK's default async pool, which on a host with fewer than three cores starts a thread per
   * task.
   */
  private boolean answers(HttpRequest request, Upstream.HealthCheck check) {
    try {
      return check
          .expectedStatuses()
          .contains(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void record(State state, boolean healthy) {
    boolean changed;
    synchronized (state) {
      state.inFlight = false;
      if (healthy) {
        state.successes++;
        state.failures = 0;
      } else {
        state.failures++;
        state.successes = 0;
      }
      boolean was = state.up;
      if (was && state.failures >= state.check.fall()) {
        state.up = false;
      } else if (!was && state.successes >= state.check.rise()) {
        state.up = true;
      }
      changed = was != state.up;
    }
    if (changed) {
      onChange.run();
    }
  }

  /** Per upstream, the members currently down. */
  public Map<String, Set<String>> down() {
    Map<String, Set<String>> down = new HashMap<>();
    states.forEach(
        (target, state) -> {
          if (state.followed && !state.up) {
            down.computeIfAbsent(target.upstream(), u -> new HashSet<>()).add(target.address());
          }
        });
    return down;
  }

  /** Per upstream, per member: {@code up} or {@code down}, for the agent's report. */
  public Map<String, Map<String, String>> health() {
    Map<String, Map<String, String>> health = new TreeMap<>();
    states.forEach(
        (target, state) -> {
          if (state.followed) {
            health
                .computeIfAbsent(target.upstream(), u -> new TreeMap<>())
                .put(target.address(), state.up ? "up" : "down");
          }
        });
    return health;
  }
}
