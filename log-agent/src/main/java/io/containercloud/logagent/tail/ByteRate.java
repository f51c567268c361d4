package io.containercloud.logagent.tail;

/** A token bucket of bytes per second, holding one second's worth at most. */
final class ByteRate {

  private final long perSecond;
  private double tokens;
  private long refilled = System.nanoTime();

  ByteRate(long perSecond) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  /** Bytes that may be read now. */
  long available() {
    long now = System.nanoTime();
    tokens = Math.min(perSecond, tokens + (now - refilled) / 1e9 * perSecond);
    refilled = now;
    return (long) tokens;
  }

  void take(long bytes) {
    tokens -= bytes;
  }
}
