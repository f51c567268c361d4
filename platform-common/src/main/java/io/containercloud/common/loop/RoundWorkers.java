package io.containercloud.common.loop;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Threads for a round's independent items (workloads): side by side, a round takes as long as its
 * slowest few rather than their sum, and items that arrive meanwhile start as threads free up. Made
 * at each {@link #start()} and shut down at {@link #stop()}, as the loop owning them is.
 */
public final class RoundWorkers {

  private final String threadName;
  private final int size;
  private volatile ExecutorService pool;

  public RoundWorkers(String threadName, int size) {
    this.threadName = threadName;
    this.size = size;
  }

  public void start() {
    pool =
        Executors.newFixedThreadPool(
            size,
            r -> {
              Thread thread = new Thread(r, threadName);
              thread.setDaemon(true);
              return thread;
            });
  }

  public void stop() {
    pool.shutdownNow();
  }

  /** Runs {@code items} side by side and returns once each has ended, as {@link #run} does. */
  public void runAll(List<Runnable> items) {
    Iterator<List<Runnable>> once = List.of(items).iterator();
    run(() -> once.hasNext() ? once.next() : List.of());
  }

  /**
   * Runs what {@code next} gives side by side and asks it again each time an item ends, so that
   * work arriving during a round starts as soon as a thread is free rather than after the round's
   * slowest item; returns once nothing runs and {@code next} gives nothing (it is asked on the
   * calling thread only). After a failure it is not asked again: the round ends with the items
   * already running.
   *
   * @throws IllegalStateException with the first failure as its cause
   */
  public void run(Supplier<List<Runnable>> next) {
    CompletionService<Void> ended = new ExecutorCompletionService<>(pool);
    int running = 0;
    Throwable failure = null;
    try {
      while (true) {
        if (failure == null) {
          try {
            for (Runnable item : next.get()) {
              ended.submit(item, null);
              running++;
            }
          } catch (RuntimeException e) {
            failure = e; // the items running still end before the round does
          }
        }
        if (running == 0) {
          break;
        }
        Future<Void> done = ended.take();
        running--;
        try {
          done.get();
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException(threadName + " round failed", failure);
    }
  }
}
