package io.containercloud.common.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoundWorkersTest {

  private final RoundWorkers workers = new RoundWorkers("test", 2);

  @BeforeEach
  void start() {
    workers.start();
  }

  @AfterEach
  void stop() {
    workers.stop();
  }

  @Test
  void anItemGivenWhenAnotherEndsStartsWhileTheSlowestStillRuns() {
    CountDownLatch late = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    AtomicInteger asked = new AtomicInteger();

    workers.run(
        () ->
            switch (asked.incrementAndGet()) {
              case 1 ->
                  List.of(
                      () -> overlapped.set(await(late)), // ends only once the late item ran
                      () -> {});
              case 2 -> List.of(late::countDown);
              default -> List.of();
            });

    assertThat(overlapped).as("the late item ran while the slow one waited").isTrue();
    assertThat(asked.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aFailureStopsTheAskingAndTheRoundEndsAfterTheItemsRunning() {
    // one thread: the failing item ends before the other starts, so the round sees the failure
    // first (with two, the other item may end first and rightly ask again)
    RoundWorkers one = new RoundWorkers("one", 1);
    one.start();
    AtomicBoolean laterEnded = new AtomicBoolean();
    AtomicInteger asked = new AtomicInteger();
    try {
      assertThatThrownBy(
              () ->
                  one.run(
                      () ->
                          asked.incrementAndGet() > 1
                              ? List.of(() -> {})
                              : List.of(
                                  () -> {
                                    throw new IllegalArgumentException("broken");
                                  },
                                  () -> laterEnded.set(true))))
          .isInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("broken");
    } finally {
      one.stop();
    }

    assertThat(laterEnded).as("the round waited for the item still to run").isTrue();
    assertThat(asked.get()).isEqualTo(1);
  }

  @Test
  void aFailureToGiveItemsEndsTheRoundAfterTheItemsRunning() {
    AtomicBoolean ran = new AtomicBoolean();
    AtomicInteger asked = new AtomicInteger();

    assertThatThrownBy(
            () ->
                workers.run(
                    () -> {
                      if (asked.incrementAndGet() > 1) {
                        throw new IllegalStateException("database away");
                      }
                      return List.of(() -> ran.set(true));
                    }))
        .hasRootCauseMessage("database away");

    assertThat(ran).isTrue();
  }

  @Test
  void runAllRunsItsItemsSideBySideAndReturnsOnceEachEnded() {
    CountDownLatch both = new CountDownLatch(2);
    AtomicInteger overlapped = new AtomicInteger();
    Runnable item =
        () -> {
          both.countDown();
          if (await(both)) { // only if the other item runs at the same time
            overlapped.incrementAndGet();
          }
        };

    workers.runAll(List.of(item, item));

    assertThat(overlapped).as("both ran, each while the other did").hasValue(2);
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
