package io.containercloud.common.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys of independent items of work (workloads, operations) handled by a fixed set of threads, the
 * way a Kubernetes controller uses its work queue: a key is taken by the next free thread and never
 * by two at once (added again while it is handled, it is handled once more afterwards), and keys
 * {@link #add added} because something changed come before those of a periodic {@link #sweep}.
 * Rounds over every due key with a barrier at their end made each key wait for the slowest of its
 * round, and a sweep over a few hundred keys held up the one that had just changed.
 *
 * <p>A changed key is taken alone, so that none waits behind another in a thread while others are
 * free; swept keys are taken several at once when many wait (a thread's fair share, at most {@code
 * batch}), so a handler can read them in one query. A handler that throws gets its keys back at the
 * end of the sweep lane after a capped exponential backoff of that thread (drawn between half and
 * all of it), and the failure is logged at most once a minute.
 *
 * @param <K> the key, with value equality
 */
public final class KeyQueue<K> {

  /** Handles some keys; called by one thread at a time for any key. */
  @FunctionalInterface
  public interface Handler<K> {
    void handle(List<K> keys);
  }

  private static final Logger log = LoggerFactory.getLogger(KeyQueue.class);
  private static final Duration ERROR_LOG_WINDOW = Duration.ofMinutes(1);

  private final String name;
  private final int threads;
  private final int batch;
  private final Handler<K> handler;
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

  public KeyQueue(
      String name,
      int threads,
      int batch,
      Handler<K> handler,
      Duration initialBackoff,
      Duration maxBackoff) {
    this.name = name;
    this.threads = threads;
    this.batch = batch;
    this.handler = handler;
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
      List<K> keys;
      try {
        keys = take();
      } catch (InterruptedException e) {
        return;
      }
      if (keys.isEmpty()) {
        return; // stopped
      }
      try {
        handler.handle(keys);
        backoff = Duration.ZERO;
        done(keys);
      } catch (RuntimeException e) {
        backoff = next(backoff);
        Duration wait = WakeableLoop.jittered(backoff, ThreadLocalRandom.current().nextDouble());
        logThrottled(keys.size(), e, wait);
        boolean interrupted = false;
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          interrupted = true;
        }
        done(keys);
        sweep(keys);
        if (interrupted) {
          return;
        }
      }
    }
  }

  private synchronized List<K> take() throws InterruptedException {
    while (running) {
      List<K> keys = take(changed, 1);
      if (keys.isEmpty()) {
        keys = take(swept, Math.max(1, Math.min(batch, swept.size() / threads)));
      }
      if (!keys.isEmpty()) {
        busy.addAll(keys);
        return keys;
      }
      wait();
    }
    return List.of();
  }

  /** Up to {@code share} of the keys waiting in {@code lane} that no other thread holds. */
  private List<K> take(LinkedHashSet<K> lane, int share) {
    List<K> keys = new ArrayList<>(share);
    for (Iterator<K> it = lane.iterator(); it.hasNext() && keys.size() < share; ) {
      K key = it.next();
      if (!busy.contains(key)) {
        it.remove();
        keys.add(key);
      }
    }
    return keys;
  }

  private synchronized void done(List<K> keys) {
    keys.forEach(busy::remove);
    notifyAll();
  }

  private Duration next(Duration current) {
    Duration next = current.isZero() ? initialBackoff : current.multipliedBy(2);
    return next.compareTo(maxBackoff) > 0 ? maxBackoff : next;
  }

  private synchronized void logThrottled(int keys, RuntimeException e, Duration backoff) {
    Instant now = clock.instant();
    if (Duration.between(lastErrorLog, now).compareTo(ERROR_LOG_WINDOW) >= 0) {
      lastErrorLog = now;
      log.warn("{}: {} keys failed, retrying in {} ms", name, keys, backoff.toMillis(), e);
    }
  }
}
