package io.containercloud.nginxagent.isolate;

import io.containercloud.nginxagent.config.Snapshot.Ref;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the objects that make nginx refuse a configuration, so that one tenant's broken server or
 * upstream is left out and reported while every other object is served.
 *
 * <p>Bisection over the objects in a fixed order: a half that passes together with the objects
 * already known good joins them; a half that fails is split again, down to single objects. Leaving
 * any object out still renders a valid configuration (a location whose upstream is missing answers
 * 502), so each trial tests only the objects it includes. With {@code k} culprits among {@code n}
 * objects this takes about {@code 2k log2 n} trials. Where two objects conflict only together, the
 * later one in the order is the one left out.
 */
public final class Isolation {

  private Isolation() {}

  /** What the search found. */
  public sealed interface Outcome {

    /** Nginx refuses even the configuration without any object: nothing can be served anew. */
    record BaseRefused(String message) implements Outcome {}

    /** Leaving out {@code culprits} (each with nginx's message) gives an accepted configuration. */
    record Isolated(Map<Ref, String> culprits, Set<Ref> kept) implements Outcome {}
  }

  /**
   * @param objects the objects of the refused configuration, in the order to search
   * @param refusal what nginx says of a configuration holding only the given objects (empty when it
   *     accepts it)
   */
  public static Outcome isolate(
      List<Ref> objects, Function<Collection<Ref>, Optional<String>> refusal) {
    Optional<String> base = refusal.apply(List.of());
    if (base.isPresent()) {
      return new Outcome.BaseRefused(base.get());
    }
    Set<Ref> good = new LinkedHashSet<>();
    Map<Ref, String> culprits = new LinkedHashMap<>();
    search(objects, good, culprits, refusal);
    return new Outcome.Isolated(culprits, good);
  }

  private static void search(
      List<Ref> candidates,
      Set<Ref> good,
      Map<Ref, String> culprits,
      Function<Collection<Ref>, Optional<String>> refusal) {
    if (candidates.isEmpty()) {
      return;
    }
    Set<Ref> trial = new LinkedHashSet<>(good);
    trial.addAll(candidates);
    Optional<String> refused = refusal.apply(trial);
    if (refused.isEmpty()) {
      good.addAll(candidates);
      return;
    }
    if (candidates.size() == 1) {
      culprits.put(candidates.get(0), refused.get());
      return;
    }
    int half = candidates.size() / 2;
    search(candidates.subList(0, half), good, culprits, refusal);
    search(candidates.subList(half, candidates.size()), good, culprits, refusal);
  }
}
