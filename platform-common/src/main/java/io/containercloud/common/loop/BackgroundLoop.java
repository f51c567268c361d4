package io.containercloud.common.loop;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * A component whose work is one {@link WakeableLoop}, started and stopped with the application
 * context. Subclasses say what one round does.
 */
public abstract class BackgroundLoop implements SmartLifecycle {

  private final WakeableLoop loop;

  /** See {@link WakeableLoop#WakeableLoop} for the timings. */
  protected BackgroundLoop(
      String name, Duration pollInterval, Duration initialBackoff, Duration maxBackoff) {
    this.loop = new WakeableLoop(name, this::round, pollInterval, initialBackoff, maxBackoff);
  }

  /**
   * One round of work; returns true when more is waiting and the next round should start at once. A
   * round that throws is retried after a backoff.
   */
  protected abstract boolean round();

  /** Asks for a round now. */
  public void wake() {
    loop.wake();
  }

  @Override
  public void start() {
    loop.start();
  }

  @Override
  public void stop() {
    loop.stop(Duration.ofSeconds(5));
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }
}
