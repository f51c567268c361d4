package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One kind of object as the controllers read it, the way a real controller reads its informer: a
 * watch keeps the copy, so a round costs no request and no parsing however many objects the cluster
 * holds (listing them every tick made a quiet cluster of 750 Deployments spend a core). The
 * controllers' own writes are seen at once, before their watch event arrives, so a round never acts
 * twice on what it already did; each is dropped as soon as the watch brings that version or a newer
 * one.
 *
 * <p>Objects handed out are the cache's own: copy before changing one.
 */
final class Cache<T extends HasMetadata> {

  /** What this cluster's controllers wrote, by key; a null object is a deletion. */
  private record Written<T>(T object, long version) {}

  private final SharedIndexInformer<T> informer;
  private final Map<String, Written<T>> written = new ConcurrentHashMap<>();

  Cache(SharedIndexInformer<T> informer) {
    this.informer = informer;
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T object) {
            caughtUp(object);
          }

          @Override
          public void onUpdate(T old, T object) {
            caughtUp(object);
          }

          @Override
          public void onDelete(T object, boolean finalStateUnknown) {
            caughtUp(object);
          }
        });
  }

  /** Starts the watch and waits until the first list is in. */
  void start() {
    try {
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the cache filled", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot fill the cache of " + informer.getApiTypeClass(), e);
    }
  }

  void stop() {
    informer.stop();
  }

  List<T> list() {
    Map<String, T> objects = new LinkedHashMap<>();
    for (T object : informer.getStore().list()) {
      objects.put(key(object), object);
    }
    written.forEach(
        (key, mine) -> {
          T cached = objects.get(key);
          if (cached != null && version(cached) >= mine.version()) {
            return; // the watch has it already
          }
          if (mine.object() == null) {
            objects.remove(key);
          } else {
            objects.put(key, mine.object());
          }
        });
    return new ArrayList<>(objects.values());
  }

  Optional<T> get(String namespace, String name) {
    String key = namespace == null ? name : namespace + "/" + name;
    Written<T> mine = written.get(key);
    T cached = informer.getStore().getByKey(key);
    if (mine != null && (cached == null || version(cached) < mine.version())) {
      return Optional.ofNullable(mine.object());
    }
    return Optional.ofNullable(cached);
  }

  /** What the API answered to a create, update or status write of ours. */
  T wrote(T object) {
    written.put(key(object), new Written<>(object, version(object)));
    return object;
  }

  /** An object of ours just deleted, as it was when we last saw it. */
  void deleted(T object) {
    written.put(key(object), new Written<>(null, version(object)));
  }

  private void caughtUp(T object) {
    written.computeIfPresent(
        key(object), (key, mine) -> version(object) >= mine.version() ? null : mine);
  }

  private static String key(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return namespace == null
        ? object.getMetadata().getName()
        : namespace + "/" + object.getMetadata().getName();
  }

  private static long version(HasMetadata object) {
    try {
      return Long.parseLong(object.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return 0;
    }
  }
}
