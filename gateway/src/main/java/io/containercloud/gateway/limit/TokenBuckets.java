package io.containercloud.gateway.limit;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets by key (a user, a tenant, an account, an address), in this gateway instance's
 * memory: each key may spend {@code capacity} requests at once and regains {@code perSecond} a
 * second. Buckets left full and idle are forgotten, so the map holds only recent callers.
 */
final class TokenBuckets {

  private static final long IDLE_NANOS = Duration.ofMinutes(10).toNanos();

  private final double capacity;
  private final double perSecond;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();

  TokenBuckets(int capacity, double perSecond) {
    this.capacity = capacity;
    this.perSecond = perSecond;
  }

  /** Takes one token for {@code key}; returns zero when granted, else the seconds to wait. */
  long take(String key) {
    long now = System.nanoTime();
    if (calls.incrementAndGet() % 10_000 == 0) {
      buckets.values().removeIf(b -> b.idleSince(now) > IDLE_NANOS);
    }
    return buckets
        .computeIfAbsent(key, k -> new Bucket(capacity, now))
        .take(now, capacity, perSecond);
  }

  /**
   * Gives back a token taken for {@code key} (a login that turned out right), never beyond the
   * capacity.
   */
  void giveBack(String key) {
    Bucket bucket = buckets.get(key);
    if (bucket != null) {
      bucket.giveBack(System.nanoTime(), capacity, perSecond);
    }
  }

  private static final class Bucket {
    private double tokens;
    private long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }

    synchronized long take(long now, double capacity, double perSecond) {
      tokens = Math.min(capacity, tokens + (now - updated) / 1e9 * perSecond);
      updated = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perSecond);
    }

    synchronized void giveBack(long now, double capacity, double perSecond) {
      tokens = Math.min(capacity, tokens + (now - updated) / 1e9 * perSecond + 1);
      updated = now;
    }

    synchronized long idleSince(long now) {
      return now - updated;
    }
  }
}
