package io.containercloud.orchestrator.operation.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What an operation does to an application as a whole. */
public enum Action {
  START,
  STOP,
  UPGRADE,
  RESTART,
  DELETE;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Action> from(String value) {
    return Arrays.stream(values()).filter(a -> a.value().equals(value)).findFirst();
  }
}
