package io.containercloud.logcenter.search;

import io.containercloud.common.error.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The widths a histogram's buckets may have; chosen for about a hundred buckets unless named. */
enum HistogramInterval {
  S1("1s", Duration.ofSeconds(1)),
  S10("10s", Duration.ofSeconds(10)),
  S30("30s", Duration.ofSeconds(30)),
  M1("1m", Duration.ofMinutes(1)),
  M5("5m", Duration.ofMinutes(5)),
  M15("15m", Duration.ofMinutes(15)),
  M30("30m", Duration.ofMinutes(30)),
  H1("1h", Duration.ofHours(1)),
  H3("3h", Duration.ofHours(3)),
  H12("12h", Duration.ofHours(12)),
  D1("1d", Duration.ofDays(1));

  private static final long MAX_BUCKETS = 2000;
  private static final long AIM = 100;

  private final String text;
  private final Duration width;

  HistogramInterval(String text, Duration width) {
    this.text = text;
    this.width = width;
  }

  String text() {
    return text;
  }

  /** Shifts buckets so that the first one starts at {@code from}, not at a round time. */
  String offset(Instant from) {
    return Math.floorMod(from.toEpochMilli(), width.toMillis()) + "ms";
  }

  /**
   * The interval named, or the narrowest giving at most about a hundred buckets over {@code span}.
   */
  static HistogramInterval of(String named, Duration span) {
    if (named == null) {
      for (HistogramInterval interval : values()) {
        if (span.dividedBy(interval.width) <= AIM) {
          return interval;
        }
      }
      return D1;
    }
    for (HistogramInterval interval : values()) {
      if (interval.text.equals(named)) {
        if (span.dividedBy(interval.width) > MAX_BUCKETS) {
          throw ProblemException.invalid(
              "interval", "gives more than " + MAX_BUCKETS + " buckets over the time range");
        }
        return interval;
      }
    }
    throw ProblemException.invalid(
        "interval", "must be one of " + List.of(values()).stream().map(i -> i.text).toList());
  }
}
