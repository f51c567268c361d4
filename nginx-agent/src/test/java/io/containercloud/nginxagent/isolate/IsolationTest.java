package io.containercloud.nginxagent.isolate;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.nginxagent.config.Snapshot.Ref;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IsolationTest {

  private static final List<Ref> OBJECTS =
      IntStream.range(0, 200).mapToObj(i -> Ref.server(String.format("s%03d", i))).toList();

  @Test
  void findsEachBrokenObjectAndKeepsAllTheOthers() {
    Set<Ref> broken = Set.of(OBJECTS.get(7), OBJECTS.get(150));
    AtomicInteger trials = new AtomicInteger();

    Isolation.Outcome outcome = Isolation.isolate(OBJECTS, refusing(broken, trials));

    assertThat(outcome).isInstanceOf(Isolation.Outcome.Isolated.class);
    Isolation.Outcome.Isolated isolated = (Isolation.Outcome.Isolated) outcome;
    assertThat(isolated.culprits()).containsOnlyKeys(broken);
    assertThat(isolated.culprits().get(OBJECTS.get(7))).isEqualTo("bad s007");
    assertThat(isolated.kept()).hasSize(198).doesNotContainAnyElementsOf(broken);
    assertThat(trials.get()).as("about 2k log2 n, not n").isLessThan(40);
  }

  @Test
  void twoObjectsThatConflictOnlyTogetherCostTheLaterOne() {
    Ref first = OBJECTS.get(3);
    Ref second = OBJECTS.get(120);
    Function<Collection<Ref>, Optional<String>> conflict =
        kept ->
            kept.contains(first) && kept.contains(second)
                ? Optional.of("duplicate listen options")
                : Optional.empty();

    Isolation.Outcome.Isolated isolated =
        (Isolation.Outcome.Isolated) Isolation.isolate(OBJECTS, conflict);

    assertThat(isolated.culprits()).containsOnlyKeys(second);
    assertThat(isolated.kept()).contains(first);
  }

  @Test
  void aConfigurationRefusedWithoutAnyObjectIsNotBlamedOnOne() {
    Isolation.Outcome outcome =
        Isolation.isolate(OBJECTS, kept -> Optional.of("cannot open error log"));

    assertThat(outcome).isEqualTo(new Isolation.Outcome.BaseRefused("cannot open error log"));
  }

  private static Function<Collection<Ref>, Optional<String>> refusing(
      Set<Ref> broken, AtomicInteger trials) {
    return kept -> {
      trials.incrementAndGet();
      return kept.stream().filter(broken::contains).findFirst().map(ref -> "bad " + ref.name());
    };
  }
}
