package io.containercloud.nginxagent.follow;

import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.config.SnapshotReader;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * Follows one nginx cluster in etcd: reads it whole at one revision, then watches the cluster's
 * document and everything under it from that revision + 1. Any event, a broken or compacted watch,
 * or the resync period passing makes the last snapshot stale, and the next one is read afresh
 * (rather than patched from events: a compacted watch cannot replay what it missed, and one read of
 * a cluster is cheap). The resync period has jitter, so that a fleet of agents started together
 * does not read etcd in step.
 */
public final class Follower implements AutoCloseable {

  private static final Duration RESYNC = Duration.ofMinutes(1);

  private final Watch watch;
  private final SnapshotReader reader;
  private final String cluster;
  private final Runnable onChange;
  private final List<Watch.Watcher> watchers = new ArrayList<>();
  private volatile boolean stale = true;
  private volatile boolean watching;
  private Instant resyncAt = Instant.EPOCH;

  /**
   * @param onChange called (on a watch thread) when something changed in etcd
   */
  public Follower(Watch watch, SnapshotReader reader, String cluster, Runnable onChange) {
    this.watch = watch;
    this.reader = reader;
    this.cluster = cluster;
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
   * The cluster at etcd's current revision; the watch is (re)started from there when it broke.
   * Stale again when etcd does not answer.
   */
  public Snapshot snapshot() throws InterruptedException {
    stale = false; // an event from here on makes the next snapshot due again
    resyncAt = Instant.now().plus(jittered(RESYNC));
    Snapshot snapshot;
    try {
      snapshot = reader.read();
    } catch (ExecutionException | TimeoutException e) {
      stale = true;
      throw new IllegalStateException("etcd did not answer the read of cluster " + cluster, e);
    }
    if (!watching) {
      watch(snapshot.revision() + 1);
    }
    return snapshot;
  }

  @Override
  public void close() {
    watchers.forEach(Watch.Watcher::close);
    watchers.clear();
  }

  private void watch(long fromRevision) {
    close();
    Watch.Listener listener =
        Watch.listener(
            response -> changed(),
            error -> {
              watching = false;
              changed();
            });
    watchers.add(
        watch.watch(
            bytes(NginxKeys.cluster(cluster) + "/"),
            WatchOption.builder().isPrefix(true).withRevision(fromRevision).build(),
            listener));
    watchers.add(
        watch.watch(
            bytes(NginxKeys.cluster(cluster)),
            WatchOption.builder().withRevision(fromRevision).build(),
            listener));
    watching = true;
  }

  private void changed() {
    stale = true;
    onChange.run();
  }

  /** {@code period} give or take a tenth. */
  private static Duration jittered(Duration period) {
    double factor = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (period.toMillis() * factor));
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
