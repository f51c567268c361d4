package io.containercloud.common.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WakeableLoopTest {

  @Test
  void aRetryWaitsBetweenHalfAndAllOfItsBackoff() {
    Duration backoff = Duration.ofMillis(5_000);

    assertThat(WakeableLoop.jittered(backoff, 0.0)).isEqualTo(Duration.ofMillis(2_500));
    assertThat(WakeableLoop.jittered(backoff, 0.5)).isEqualTo(Duration.ofMillis(3_750));
    assertThat(WakeableLoop.jittered(backoff, 0.999_999)).isEqualTo(Duration.ofMillis(4_999));
  }

  @Test
  void aBackoffTooShortToHalveIsKept() {
    assertThat(WakeableLoop.jittered(Duration.ofMillis(1), 0.7)).isEqualTo(Duration.ofMillis(1));
  }
}
