package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
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
 * one. A write whose answer comes back after the watch already brought a newer version or the
 * object's deletion (answers and events travel on different connections) is not taken: it would
 * show an object the cluster no longer has.
 *
 * <p>Objects handed out are the cache's own: copy before changing one.
 */
final class Cache<T extends HasMetadata> {

  /**
   * What this cluster's controllers wrote, by key; a null object is a deletion. Kept for {@link
   * #WRITTEN_KEPT} at most: the watch brings every write within milliseconds, so one still here
   * then lost its event to a race and would only hide what the cluster holds.
   */
  private record Written<T>(T object, long version, Instant at) {}

  private static final Duration WRITTEN_KEPT = Duration.ofSeconds(10);

  private final SharedIndexInformer<T> informer;
  private final Map<String, Written<T>> written = new ConcurrentHashMap<>();

  /** The version each object had when the watch saw it deleted, kept for {@link #GONE_KEPT}. */
  private final Map<String, Gone> gone = new ConcurrentHashMap<>();

  private record Gone(long version, Instant at) {}

  private static final Duration GONE_KEPT = Duration.ofMinutes(1);

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
            Instant now = Instant.now();
            gone.values().removeIf(g -> g.at().isBefore(now.minus(GONE_KEPT)));
            gone.put(key(object), new Gone(version(object), now));
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
    expire();
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
    expire();
    String key = namespace == null ? name : namespace + "/" + name;
    Written<T> mine = written.get(key);
    T cached = informer.getStore().getByKey(key);
    if (mine != null && (cached == null || version(cached) < mine.version())) {
      return Optional.ofNullable(mine.object());
    }
    return Optional.ofNullable(cached);
  }

  /** What the API answered to a create of ours. */
  T created(T object) {
    remember(object, object, false);
    return object;
  }

  /**
   * What the API answered to an update or status write of ours, of an object the watch has brought:
   * if the watch no longer holds it, it was deleted in the meantime.
   */
  T updated(T object) {
    remember(object, object, true);
    return object;
  }

  /** An object of ours just deleted, as it was when we last saw it. */
  void deleted(T object) {
    remember(object, null, true);
  }

  private void remember(T answered, T shown, boolean watchHadIt) {
    String key = key(answered);
    Written<T> mine = new Written<>(shown, version(answered), Instant.now());
    written.put(key, mine);
    // looked at after the put: an event handled in between has either dropped it or is seen here
    // (the watch's copy changes before its handlers run, so a deletion shows as a missing copy)
    if (watched(key, mine.version()) || (watchHadIt && informer.getStore().getByKey(key) == null)) {
      written.remove(key, mine);
    }
  }

  /** Whether the watch has brought this version of the object, a newer one, or its deletion. */
  private boolean watched(String key, long version) {
    T cached = informer.getStore().getByKey(key);
    Gone deleted = gone.get(key);
    return (cached != null && version(cached) >= version)
        || (deleted != null && deleted.version() >= version);
  }

  private void expire() {
    Instant oldest = Instant.now().minus(WRITTEN_KEPT);
    written.values().removeIf(mine -> mine.at().isBefore(oldest));
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
