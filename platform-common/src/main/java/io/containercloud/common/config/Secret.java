package io.containercloud.common.config;

/**
 * A setting that must never be shown: its {@code toString} (and so the {@code toString} of any
 * properties record holding it, a bind message or an actuator dump) prints a mask. Bound from a
 * string by {@link #of} without checks, so a malformed value fails where the owner parses it, with
 * a message that names the setting, never the value.
 */
public final class Secret {

  private static final String MASK = "******";

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return new Secret(value == null ? "" : value);
  }

  /** The value itself, for the one place that turns it into a key or a credential. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return MASK;
  }
}
