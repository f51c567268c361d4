package io.containercloud.common.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Threads for a round's independent items (workloads, operations): each round hands them all over
 * and waits for all, so a round takes as long as its slowest few rather than their sum. Made at
 * each {@link #start()} and shut down at {@link #stop()}, as the loop owning them is.
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

  /**
   * Runs every item side by side and returns once all have ended.
   *
   * @throws IllegalStateException with the first failure as its cause
   */
  public void runAll(List<Runnable> items) {
    List<Callable<Void>> work = new ArrayList<>();
    for (Runnable item : items) {
      work.add(
          () -> {
            item.run();
            return null;
          });
    }
    try {
      for (Future<Void> done : pool.invokeAll(work)) {
        done.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(threadName + " round failed", e.getCause());
    }
  }
}
