package io.containercloud.kubesim.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void reportsTheFirstFailureAtOnce() {
    assertThat(new FailureThrottle(Duration.ofMinutes(1)).failed(T0)).hasValue(0);
  }

  @Test
  void holdsBackFailuresWithinTheWindowAndCountsThemInTheNextReport() {
    FailureThrottle throttle = new FailureThrottle(Duration.ofMinutes(1));
    throttle.failed(T0);

    assertThat(throttle.failed(T0.plusSeconds(1))).isEmpty();
    assertThat(throttle.failed(T0.plusSeconds(59))).isEmpty();
    assertThat(throttle.failed(T0.plusSeconds(60))).isEqualTo(OptionalLong.of(2));
    assertThat(throttle.failed(T0.plusSeconds(61))).isEmpty();
    assertThat(throttle.failed(T0.plusSeconds(300))).hasValue(1);
  }
}
