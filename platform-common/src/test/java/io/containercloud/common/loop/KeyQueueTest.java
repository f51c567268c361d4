package io.containercloud.common.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyQueueTest {

  private KeyQueue<String> queue;

  @AfterEach
  void stop() {
    queue.stop();
  }

  @Test
  void aKeyAddedWhileHandledWaitsForItNeverHandledTwiceAtOnce() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Set<String> handling = ConcurrentHashMap.newKeySet();
    Queue<String> handled = new ConcurrentLinkedQueue<>();
    AtomicInteger overlaps = new AtomicInteger();
    queue =
        new KeyQueue<>(
            "test",
            4,
            key -> {
              if (!handling.add(key)) {
                overlaps.incrementAndGet();
              }
              if (key.equals("a")) {
                inside.countDown();
                hold(release);
              }
              handled.add(key);
              handling.remove(key);
            },
            key -> 0,
            Duration.ofMillis(10),
            Duration.ofMillis(10));
    queue.start();

    queue.add("a");
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    queue.add("a"); // changed again while the first change is handled
    queue.add("b"); // after it: free threads take this one, not "a"
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.contains("b"));
    assertThat(overlaps.get()).isZero();
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
    assertThat(handled).containsExactly("b", "a", "a");
    assertThat(overlaps.get()).isZero();
  }

  @Test
  void changesWhileAKeyIsHandledMakeOneMorePass() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Queue<String> handled = new ConcurrentLinkedQueue<>();
    oneThreadHeldBy(inside, release, handled, key -> 0);

    queue.add("a");
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    queue.add("a");
    queue.add("a");
    queue.add("b"); // one thread, first in first out: a second "a" pass would come before it
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.contains("b"));
    assertThat(handled).containsExactly("a", "a", "b");
  }

  @Test
  void theMostUrgentWaitingKeyIsTakenFirstEqualOnesInTheOrderTheyCame() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Queue<String> handled = new ConcurrentLinkedQueue<>();
    oneThreadHeldBy(inside, release, handled, String::length);

    queue.add("first");
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    queue.add(List.of("b", "ccc", "a", "dd", "eee"));
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 6);
    assertThat(handled).containsExactly("first", "ccc", "eee", "dd", "b", "a");
  }

  @Test
  void changedKeysComeBeforeSweptOnes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Queue<String> order = new ConcurrentLinkedQueue<>();
    queue =
        new KeyQueue<>(
            "test",
            1,
            key -> {
              hold(release);
              order.add(key);
            },
            key -> 0,
            Duration.ofMillis(10),
            Duration.ofMillis(10));
    queue.start();

    queue.add("first"); // holds the only thread
    queue.sweep(List.of("s1", "s2", "changed"));
    queue.add("changed"); // leaves the sweep's lane for the front
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 4);
    assertThat(order).containsExactly("first", "changed", "s1", "s2");
  }

  @Test
  void aFailedKeyIsHandledAgainAfterABackoff() {
    AtomicInteger calls = new AtomicInteger();
    queue =
        new KeyQueue<>(
            "test",
            2,
            key -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the database is down");
              }
            },
            key -> 0,
            Duration.ofMillis(20),
            Duration.ofMillis(20));
    queue.start();

    queue.add("a");

    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
  }

  /** One thread, each key handled once {@code release} is counted down, recorded in order. */
  private void oneThreadHeldBy(
      CountDownLatch inside,
      CountDownLatch release,
      Queue<String> handled,
      ToIntFunction<String> urgency) {
    queue =
        new KeyQueue<>(
            "test",
            1,
            key -> {
              inside.countDown();
              hold(release);
              handled.add(key);
            },
            urgency,
            Duration.ofMillis(10),
            Duration.ofMillis(10));
    queue.start();
  }

  private static void hold(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
