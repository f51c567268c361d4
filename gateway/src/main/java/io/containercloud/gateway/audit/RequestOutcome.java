package io.containercloud.gateway.audit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;

/**
 * What the audit trail can say about a routed request. Usually the status answered is what
 * happened. But when the service took the request and the gateway stopped waiting (the route timed
 * out) or the connection broke before the answer, the change may or may not have been made: the 503
 * the caller got says nothing about it, so the record says {@code outcome: unknown} instead of a
 * status. A request that never reached the service (connection refused, circuit open) is known:
 * nothing happened.
 */
sealed interface RequestOutcome {

  /** The status the caller got tells what happened. */
  record Answered(int status) implements RequestOutcome {
    @Override
    public void describe(Map<String, Object> data) {
      data.put("status", status);
    }
  }

  /**
   * The service may have acted; nobody saw its answer.
   *
   * @param reason {@code timeout} or {@code connection-broken}
   * @param timeoutMs the route's timeout when it expired, else {@code null}
   */
  record Unknown(String reason, Long timeoutMs) implements RequestOutcome {
    @Override
    public void describe(Map<String, Object> data) {
      data.put("outcome", "unknown");
      data.put("reason", reason);
      if (timeoutMs != null) {
        data.put("timeoutMs", timeoutMs);
      }
    }
  }

  /** Adds this outcome's members to an audit record's data. */
  void describe(Map<String, Object> data);

  /**
   * @param failure what stopped the call to the service, {@code null} if nothing did
   * @param status the status the caller got ({@code 0} if none)
   * @param timeoutMs the route's timeout
   */
  static RequestOutcome of(Throwable failure, int status, Long timeoutMs) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof CallNotPermittedException) {
        return new Answered(status); // never sent: nothing happened
      }
      if (t instanceof ReadTimeoutException) { // the route timeout, on the call's connection
        return new Unknown("timeout", timeoutMs);
      }
      if (t instanceof IOException) {
        return new Unknown("connection-broken", null); // sent, then the connection broke
      }
    }
    return new Answered(status);
  }
}
