package io.containercloud.common.idempotency;

import io.containercloud.common.loop.BackgroundLoop;
import java.time.Duration;

/** Forgets a store's idempotency keys once they are a day old, every ten minutes. */
public final class IdempotencyKeyExpiry extends BackgroundLoop {

  private static final int BATCH = 1000;

  private final IdempotencyStore keys;

  public IdempotencyKeyExpiry(IdempotencyStore keys) {
    super(
        "idempotency-key-expiry",
        Duration.ofMinutes(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10));
    this.keys = keys;
  }

  @Override
  protected boolean round() {
    try {
      return keys.expire() >= BATCH;
    } catch (Exception e) {
      throw new IllegalStateException("idempotency keys not expired", e);
    }
  }
}
