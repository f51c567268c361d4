package io.containercloud.orchestrator.operation.model;

import java.util.Locale;

/** Where an operation, or one of its steps, stands. */
public enum State {
  PENDING,
  RUNNING,
  DONE,
  FAILED,
  CANCELLED;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this == DONE || this == FAILED || this == CANCELLED;
  }
}
