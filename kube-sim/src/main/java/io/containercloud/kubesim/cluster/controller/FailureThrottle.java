package io.containercloud.kubesim.cluster.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Which failures of one controller get reported: the first, then at most one per window, with the
 * number held back since the last report. A controller that keeps failing every tick would
 * otherwise bury the log; one that fails once still shows.
 */
final class FailureThrottle {

  private final Duration window;
  private Instant lastReport;
  private long held;

  FailureThrottle(Duration window) {
    this.window = window;
  }

  /**
   * A failure happened at {@code now}: empty if it is held back, else how many were held back
   * before it.
   */
  OptionalLong failed(Instant now) {
    if (lastReport != null && now.isBefore(lastReport.plus(window))) {
      held++;
      return OptionalLong.empty();
    }
    long before = held;
    lastReport = now;
    held = 0;
    return OptionalLong.of(before);
  }
}
