package io.containercloud.nginxagent.follow;

import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.config.SnapshotReader;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * Follows one nginx cluster in etcd: reads its keys whole at one revision, then keeps them up to
 * date from one watch of the cluster's range from that revision + 1 (one watch, so that its events
 * come in revision order and the snapshot's revision is never ahead of what it holds). A snapshot
 * is so made without a round trip to etcd, however busy the cluster. A broken or compacted watch
 * (it cannot replay what it missed) and the resync period passing (a safety net: the keys are read
 * afresh and the watch started again) make the next snapshot a full read. The resync period has
 * jitter, so that a fleet of agents started together does not read etcd in step.
 */
public final class Follower implements AutoCloseable {

  private static final Duration RESYNC = Duration.ofMinutes(1);

  private final Watch watch;
  private final SnapshotReader reader;
  private final Runnable onChange;
  private volatile boolean stale = true;
  private Instant resyncAt = Instant.EPOCH; // the loop's

  // what the watch keeps: the cluster's keys by name at a revision; guarded by this
  private final Map<String, KeyValue> keys = new HashMap<>();
  private long revision;
  private Watch.Watcher watcher; // null: the next snapshot reads the keys afresh
  private long generation; // of the watcher whose events are taken: a closed one's are not

  /**
   * @param onChange called (on a watch thread) when something changed in etcd
   */
  public Follower(Watch watch, SnapshotReader reader, Runnable onChange) {
    this.watch = watch;
    this.reader = reader;
    this.onChange = onChange;
  }

  /** Whether the last snapshot may be out of date. */
  public boolean stale() {
    return stale || !Instant.now().isBefore(resyncAt);
  }

  /** Makes the next {@link #stale()} true: whatever used the last snapshot needs a fresh one. */
  public void invalidate() {
    stale = true;
  }

  /**
   * The cluster as the watch holds it, or read afresh (and watched from there) when the watch broke
   * or the resync is due. Stale again when etcd does not answer that read.
   */
  public Snapshot snapshot() throws InterruptedException {
    stale = false; // an event from here on makes the next snapshot due again
    if (Instant.now().isBefore(resyncAt)) {
      synchronized (this) {
        if (watcher != null) {
          return reader.assemble(revision, List.copyOf(keys.values()));
        }
      }
    }
    SnapshotReader.Read read;
    try {
      read = reader.read();
    } catch (ExecutionException | TimeoutException e) {
      stale = true;
      throw new IllegalStateException("etcd did not answer the read of the cluster", e);
    }
    resyncAt = Instant.now().plus(jittered(RESYNC));
    synchronized (this) {
      long taken = ++generation; // before the close: nothing of the old watcher is taken
      close();
      keys.clear();
      read.keys().forEach(kv -> keys.put(key(kv), kv));
      revision = read.revision();
      watcher =
          watch.watch(
              reader.rangeStart(),
              WatchOption.builder()
                  .withRange(reader.rangeEnd())
                  .withRevision(read.revision() + 1)
                  .build(),
              Watch.listener(response -> events(taken, response), error -> broken(taken)));
      return reader.assemble(revision, List.copyOf(keys.values()));
    }
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  private void events(long from, WatchResponse response) {
    boolean changed = false;
    synchronized (this) {
      if (from != generation) {
        return; // a watcher closed since: the keys were read afresh
      }
      for (WatchEvent event : response.getEvents()) {
        KeyValue kv = event.getKeyValue();
        if (!reader.holds(kv.getKey())) {
          continue; // another cluster whose name sorts inside the range
        }
        if (event.getEventType() == WatchEvent.EventType.DELETE) {
          keys.remove(key(kv));
        } else {
          keys.put(key(kv), kv);
        }
        revision = Math.max(revision, kv.getModRevision()); // a delete's is its own revision
        changed = true;
      }
    }
    if (changed) {
      stale = true;
      onChange.run();
    }
  }

  /** Compacted past, or cancelled by etcd: read everything afresh. */
  private void broken(long from) {
    synchronized (this) {
      if (from != generation) {
        return;
      }
      close();
    }
    stale = true;
    onChange.run();
  }

  private static String key(KeyValue kv) {
    return kv.getKey().toString(StandardCharsets.UTF_8);
  }

  /** {@code period} give or take a tenth. */
  private static Duration jittered(Duration period) {
    double factor = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (period.toMillis() * factor));
  }
}
