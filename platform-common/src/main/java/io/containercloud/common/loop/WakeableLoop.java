package io.containercloud.common.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background thread that runs one round of work at a time: at once when {@link #wake() woken}
 * (for example after a commit that created work), otherwise every poll interval.
 *
 * <p>A round that throws is retried after a capped exponential backoff that the next success
 * resets, each wait drawn between half and all of it (so instances that lost a server together do
 * not come back in step), and the failure is logged at most once a minute: an outage of the server
 * a round talks to delays work without flooding the log. Wake-ups that arrive during a round are
 * kept, so work created meanwhile is never left waiting for the poll interval.
 */
public final class WakeableLoop {

  /** One round of work. */
  @FunctionalInterface
  public interface Round {
    /**
     * Does some work; returns true when more is waiting and the next round should start at once.
     */
    boolean run();
  }

  private static final Logger log = LoggerFactory.getLogger(WakeableLoop.class);
  private static final Duration ERROR_LOG_WINDOW = Duration.ofMinutes(1);

  private final String name;
  private final Round round;
  private final Duration pollInterval;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Clock clock = Clock.systemUTC();
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;
  private Thread thread;
  private Instant lastErrorLog = Instant.EPOCH;

  public WakeableLoop(
      String name,
      Round round,
      Duration pollInterval,
      Duration initialBackoff,
      Duration maxBackoff) {
    this.name = name;
    this.round = round;
    this.pollInterval = pollInterval;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** Asks for a round now. */
  public void wake() {
    wake.release();
  }

  public void start() {
    running = true;
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops after the current round, waiting for it at most {@code patience}. */
  public void stop(Duration patience) {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(patience.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public boolean isRunning() {
    return running;
  }

  private void loop() {
    Duration backoff = Duration.ZERO;
    while (running) {
      try {
        boolean more = round.run();
        backoff = Duration.ZERO;
        if (!more) {
          wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        backoff = next(backoff);
        Duration wait = jittered(backoff, ThreadLocalRandom.current().nextDouble());
        logThrottled(e, wait);
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private Duration next(Duration current) {
    Duration next = current.isZero() ? initialBackoff : current.multipliedBy(2);
    return next.compareTo(maxBackoff) > 0 ? maxBackoff : next;
  }

  /** Between half and all of {@code backoff}, by {@code random} in [0, 1). */
  static Duration jittered(Duration backoff, double random) {
    long half = backoff.toMillis() / 2;
    return Duration.ofMillis(backoff.toMillis() - half + (long) (half * random));
  }

  private void logThrottled(RuntimeException e, Duration backoff) {
    Instant now = clock.instant();
    if (Duration.between(lastErrorLog, now).compareTo(ERROR_LOG_WINDOW) >= 0) {
      lastErrorLog = now;
      log.warn("{}: round failed, retrying in {} ms: {}", name, backoff.toMillis(), rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
