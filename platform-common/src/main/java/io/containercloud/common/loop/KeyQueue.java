package io.containercloud.common.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys of independent items of work (workloads, operations) handled by a fixed set of threads, the
 * way a Kubernetes controller uses its work queue: a key is taken by the next free thread and never
 * by two at once (added again while it is handled, it is handled once more afterwards), and keys
 * {@link #add added} because something changed come before those of a periodic {@link #sweep}, the
 * most urgent first. Rounds over every due key with a barrier at their end made each key wait for
 * the slowest of its round, and a sweep over a few hundred keys held up the one that had just
 * changed.
 *
 * <p>A key whose handling throws goes back to the end of the sweep lane after a capped exponential
 * backoff of that thread (drawn between half and all of it), and the failure is logged at most once
 * a minute.
 *
 * @param <K> the key, with value equality
 */
public final class KeyQueue<K> {

  private static final Logger log = LoggerFactory.getLogger(KeyQueue.class);
  private static final Duration ERROR_LOG_WINDOW = Duration.ofMinutes(1);

  private final String name;
  private final int threads;
  private final Consumer<K> handler;
  private final ToIntFunction<K> urgency;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Clock clock = Clock.systemUTC();

  // all guarded by this
  private final LinkedHashSet<K> changed = new LinkedHashSet<>();
  private final LinkedHashSet<K> swept = new LinkedHashSet<>();
  private final Set<K> busy = new HashSet<>();
  private final List<Thread> workers = new ArrayList<>();
  private boolean running;
  private Instant lastErrorLog = Instant.EPOCH;

  /**
   * @param urgency within a lane, a key of higher urgency is taken first (equal ones in the order
   *     they came); asked while the queue is locked, so it must be quick
   */
  public KeyQueue(
      String name,
      int threads,
      Consumer<K> handler,
      ToIntFunction<K> urgency,
      Duration initialBackoff,
      Duration maxBackoff) {
    this.name = name;
    this.threads = threads;
    this.handler = handler;
    this.urgency = urgency;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** Something changed for these keys: they are handled before any swept key. */
  public synchronized void add(Collection<K> keys) {
    for (K key : keys) {
      swept.remove(key);
      changed.add(key);
    }
    notifyAll();
  }

  public void add(K key) {
    add(List.of(key));
  }

  /** Every key, looked at once more, after the changed ones and those of earlier sweeps. */
  public synchronized void sweep(Collection<K> keys) {
    for (K key : keys) {
      if (!changed.contains(key)) {
        swept.add(key);
      }
    }
    notifyAll();
  }

  /** Starts the threads; keys added before (or kept since a stop) are handled from now on. */
  public synchronized void start() {
    running = true;
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(this::work, name);
      thread.setDaemon(true);
      workers.add(thread);
      thread.start();
    }
  }

  /** Stops the threads, waiting a few seconds for the keys in hand; waiting keys are kept. */
  public void stop() {
    List<Thread> stopping;
    synchronized (this) {
      running = false;
      stopping = List.copyOf(workers);
      workers.clear();
      notifyAll();
    }
    stopping.forEach(Thread::interrupt);
    for (Thread thread : stopping) {
      try {
        thread.join(Duration.ofSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void work() {
    Duration backoff = Duration.ZERO;
    while (true) {
      K key;
      try {
        key = take();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return; // stopped
      }
      try {
        handler.accept(key);
        backoff = Duration.ZERO;
        done(key);
      } catch (RuntimeException e) {
        backoff = next(backoff);
        Duration wait = WakeableLoop.jittered(backoff, ThreadLocalRandom.current().nextDouble());
        logThrottled(key, e, wait);
        boolean interrupted = false;
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          interrupted = true;
        }
        done(key);
        sweep(List.of(key));
        if (interrupted) {
          return;
        }
      }
    }
  }

  /** The next key no other thread holds, changed ones first; null once stopped. */
  private synchronized K take() throws InterruptedException {
    while (running) {
      K key = take(changed);
      if (key == null) {
        key = take(swept);
      }
      if (key != null) {
        busy.add(key);
        return key;
      }
      wait();
    }
    return null;
  }

  private K take(LinkedHashSet<K> lane) {
    K best = null;
    int most = Integer.MIN_VALUE;
    for (K key : lane) {
      if (!busy.contains(key)) {
        int value = urgency.applyAsInt(key);
        if (best == null || value > most) {
          best = key;
          most = value;
        }
      }
    }
    if (best != null) {
      lane.remove(best);
    }
    return best;
  }

  private synchronized void done(K key) {
    busy.remove(key);
    notifyAll();
  }

  private Duration next(Duration current) {
    Duration next = current.isZero() ? initialBackoff : current.multipliedBy(2);
    return next.compareTo(maxBackoff) > 0 ? maxBackoff : next;
  }

  private synchronized void logThrottled(K key, RuntimeException e, Duration backoff) {
    Instant now = clock.instant();
    if (Duration.between(lastErrorLog, now).compareTo(ERROR_LOG_WINDOW) >= 0) {
      lastErrorLog = now;
      log.warn("{}: {} failed, retrying in {} ms", name, key, backoff.toMillis(), e);
    }
  }
}
