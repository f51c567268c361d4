package io.containercloud.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestOutcomeTest {

  @Test
  void anAnswerIsWhatHappened() {
    assertThat(RequestOutcome.of(null, 201, 10_000L)).isEqualTo(new RequestOutcome.Answered(201));
    assertThat(RequestOutcome.of(null, 503, 10_000L)).isEqualTo(new RequestOutcome.Answered(503));
  }

  @Test
  void aRouteTimeoutLeavesTheOutcomeUnknown() {
    // how Reactor Netty reports the route timeout: no answer's headers in time
    assertThat(RequestOutcome.of(ReadTimeoutException.INSTANCE, 503, 10_000L))
        .isEqualTo(new RequestOutcome.Unknown("timeout", 10_000L));
  }

  @Test
  void aConnectionBrokenAfterSendingLeavesTheOutcomeUnknown() {
    Throwable broken = new IllegalStateException(new IOException("Connection prematurely closed"));
    assertThat(RequestOutcome.of(broken, 503, 10_000L))
        .isEqualTo(new RequestOutcome.Unknown("connection-broken", null));
  }

  @Test
  void aRequestThatNeverReachedTheServiceChangedNothing() {
    assertThat(RequestOutcome.of(new ConnectException("refused"), 503, 10_000L))
        .isEqualTo(new RequestOutcome.Answered(503));
    assertThat(RequestOutcome.of(new ConnectTimeoutException("2 s"), 503, 10_000L))
        .isEqualTo(new RequestOutcome.Answered(503));
    CallNotPermittedException open =
        CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x"));
    assertThat(RequestOutcome.of(open, 503, 10_000L)).isEqualTo(new RequestOutcome.Answered(503));
  }

  @Test
  void anUnknownOutcomeIsRecordedWithoutAStatus() {
    Map<String, Object> data = new LinkedHashMap<>();
    new RequestOutcome.Unknown("timeout", 1_000L).describe(data);
    assertThat(data)
        .containsExactly(
            Map.entry("outcome", "unknown"),
            Map.entry("reason", "timeout"),
            Map.entry("timeoutMs", 1_000L));
    Map<String, Object> answered = new LinkedHashMap<>();
    new RequestOutcome.Answered(201).describe(answered);
    assertThat(answered).containsExactly(Map.entry("status", 201));
  }
}
