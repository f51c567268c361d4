package io.containercloud.kubesim.cluster;

import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The mock's object store, indexed. fabric8's CRUD dispatcher answers every get, list, update and
 * delete by testing each stored object against the request's attributes, under one lock: with a few
 * thousand objects that scan is most of what a simulated cluster spends (measured: two thirds of
 * kube-sim's CPU under 750 Deployments). Here every object is also filed under its resource,
 * namespace and name; while the dispatcher serves a request {@link #narrowedTo narrowed to} its
 * query, {@link #entrySet()} offers only the objects filed under the query's most selective one of
 * those, and the dispatcher's own matching then decides among them exactly as it would among all.
 * The index is only ever a superset of the matches: an object whose indexed attribute is the mock's
 * wildcard is offered to every query.
 */
final class IndexedStore extends AbstractMap<AttributeSet, String> {

  private static final List<String> INDEXED = List.of("name", "namespace", "plural");

  private final Map<AttributeSet, String> objects = new LinkedHashMap<>();
  private final Map<Attribute, Set<AttributeSet>> index = new HashMap<>();
  private final Set<AttributeSet> wildcards = new LinkedHashSet<>();
  private final ThreadLocal<AttributeSet> query = new ThreadLocal<>();

  /** Runs {@code call} with {@link #entrySet()} narrowed to the candidates of {@code query}. */
  <T> T narrowedTo(AttributeSet query, Supplier<T> call) {
    this.query.set(query);
    try {
      return call.get();
    } finally {
      this.query.remove();
    }
  }

  @Override
  public synchronized String get(Object key) {
    return objects.get(key);
  }

  @Override
  public synchronized boolean containsKey(Object key) {
    return objects.containsKey(key);
  }

  @Override
  public synchronized int size() {
    return objects.size();
  }

  @Override
  public synchronized String put(AttributeSet key, String value) {
    String old = objects.put(key, value);
    if (old == null) {
      file(key);
    }
    return old;
  }

  @Override
  public synchronized String remove(Object key) {
    if (!objects.containsKey(key)) {
      return null;
    }
    String old = objects.remove(key);
    unfile((AttributeSet) key);
    return old;
  }

  @Override
  public synchronized void clear() {
    objects.clear();
    index.clear();
    wildcards.clear();
  }

  /** A snapshot: the candidates of the current query, or every object outside a request. */
  @Override
  public synchronized Set<Entry<AttributeSet, String>> entrySet() {
    AttributeSet current = query.get();
    Set<AttributeSet> candidates = current == null ? null : candidates(current);
    List<Entry<AttributeSet, String>> entries = new ArrayList<>();
    if (candidates == null) {
      objects.forEach((k, v) -> entries.add(new SimpleImmutableEntry<>(k, v)));
    } else {
      for (AttributeSet key : candidates) {
        entries.add(new SimpleImmutableEntry<>(key, objects.get(key)));
      }
    }
    return new Snapshot(entries);
  }

  /** The fewest objects that can match, or null when the query names no indexed attribute. */
  private Set<AttributeSet> candidates(AttributeSet query) {
    Set<AttributeSet> fewest = null;
    for (String key : INDEXED) {
      Attribute wanted = query.getAttribute(key);
      if (wanted == null || wanted.getType() != AttributeType.WITH || wildcard(wanted)) {
        continue;
      }
      Set<AttributeSet> filed = index.getOrDefault(wanted, Set.of());
      if (fewest == null || filed.size() < fewest.size()) {
        fewest = filed;
      }
    }
    if (fewest == null) {
      return null;
    }
    Set<AttributeSet> candidates = new LinkedHashSet<>(fewest);
    candidates.addAll(wildcards);
    return candidates;
  }

  private void file(AttributeSet key) {
    for (String name : INDEXED) {
      Attribute attribute = key.getAttribute(name);
      if (attribute == null) {
        continue;
      }
      if (wildcard(attribute)) {
        wildcards.add(key);
      } else {
        index.computeIfAbsent(attribute, a -> new LinkedHashSet<>()).add(key);
      }
    }
  }

  /** The mock's {@code *} value equals every value, so it cannot be looked up by hash. */
  private static boolean wildcard(Attribute attribute) {
    return attribute.getValues().stream().anyMatch(v -> "*".equals(v.toString()));
  }

  private void unfile(AttributeSet key) {
    wildcards.remove(key);
    for (String name : INDEXED) {
      Attribute attribute = key.getAttribute(name);
      Set<AttributeSet> filed = attribute == null ? null : index.get(attribute);
      if (filed != null) {
        filed.remove(key);
        if (filed.isEmpty()) {
          index.remove(attribute);
        }
      }
    }
  }

  private static final class Snapshot extends AbstractSet<Entry<AttributeSet, String>> {
    private final List<Entry<AttributeSet, String>> entries;

    Snapshot(List<Entry<AttributeSet, String>> entries) {
      this.entries = Collections.unmodifiableList(entries);
    }

    @Override
    public Iterator<Entry<AttributeSet, String>> iterator() {
      return entries.iterator();
    }

    @Override
    public int size() {
      return entries.size();
    }
  }
}
