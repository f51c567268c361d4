package io.containercloud.kubesim.cluster.controller;

import io.containercloud.kubesim.api.LocalApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One kind of object as the controllers read it, the way a real controller reads its informer: the
 * API's watch keeps the copy, so a round costs no request however many objects the cluster holds.
 * The watch is in-process ({@link LocalApi#inform}): every write, the controllers' own included, is
 * in the copy before the write returns, and each object version is parsed once, when a controller
 * first reads it.
 *
 * <p>Objects handed out are the cache's own: copy before changing one.
 */
final class Cache<T extends HasMetadata> implements LocalApi.Informed<T> {

  /** One object version, parsed on first read. */
  private static final class Entry<T> {
    private final Supplier<T> source;
    private volatile T object;

    Entry(Supplier<T> source) {
      this.source = source;
    }

    T object() {
      T parsed = object;
      if (parsed == null) {
        parsed = source.get();
        object = parsed;
      }
      return parsed;
    }
  }

  private final Class<T> kind;
  private final Map<String, Entry<T>> objects = new ConcurrentHashMap<>();
  private AutoCloseable watch;
  private Runnable onChange = () -> {};

  Cache(Class<T> kind) {
    this.kind = kind;
  }

  /**
   * Fills the copy from the API and keeps it in step from then on; {@code onChange} runs in the
   * writer's thread after each change.
   */
  void start(LocalApi api, Runnable onChange) {
    this.onChange = onChange;
    watch = api.inform(kind, this);
  }

  void stop() {
    try {
      if (watch != null) {
        watch.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the watch of " + kind.getSimpleName(), e);
    }
  }

  @Override
  public void put(String key, Supplier<T> object) {
    objects.put(key, new Entry<>(object));
    onChange.run();
  }

  @Override
  public void remove(String key) {
    objects.remove(key);
    onChange.run();
  }

  List<T> list() {
    List<T> list = new ArrayList<>(objects.size());
    for (Entry<T> entry : objects.values()) {
      list.add(entry.object());
    }
    return list;
  }

  Optional<T> get(String namespace, String name) {
    Entry<T> entry = objects.get(namespace == null ? name : namespace + "/" + name);
    return entry == null ? Optional.empty() : Optional.of(entry.object());
  }
}
