package io.containercloud.orchestrator.workload;

import io.containercloud.common.error.FieldViolation;
import java.util.List;

/** What cluster-service answered to a call, as a type rather than an exception. */
public sealed interface Answer<T> {

  record Ok<T>(T value) implements Answer<T> {}

  /** 404: the workload does not exist (or is not the caller's to see). */
  record Missing<T>() implements Answer<T> {}

  /**
   * A refusal (4xx): nothing changed. {@code code} and {@code violations} are the problem's.
   *
   * @param status the HTTP status
   */
  record Refused<T>(int status, String code, String detail, List<FieldViolation> violations)
      implements Answer<T> {

    public boolean staleVersion() {
      return status == 409 && "stale-version".equals(code);
    }

    /** A deploy of a workload that exists already. */
    public boolean exists() {
      return status == 409 && "workload-exists".equals(code);
    }
  }

  /** Unreachable, a 5xx, a timeout or an open circuit: nothing is known; ask again later. */
  record Unavailable<T>(String why) implements Answer<T> {}
}
