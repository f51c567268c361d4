package io.containercloud.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimitsTest {

  private final RateLimits limits =
      new RateLimits(
          new RateLimitProperties(
              new RateLimitProperties.Bucket(50, 20),
              new RateLimitProperties.Bucket(200, 100),
              new RateLimitProperties.Bucket(3, 0.001),
              new RateLimitProperties.Bucket(5, 0.001)));

  @Test
  void successfulLoginsDoNotCount() {
    for (int i = 0; i < 20; i++) {
      LoginAttempt attempt = limits.login("alice", "10.0.0.1");
      assertThat(attempt).isInstanceOf(LoginAttempt.Allowed.class);
      ((LoginAttempt.Allowed) attempt).succeeded();
    }
  }

  @Test
  void failedLoginsCountPerAccountWhateverItsCase() {
    for (int i = 0; i < 3; i++) {
      assertThat(limits.login("bob", "10.0.0.2")).isInstanceOf(LoginAttempt.Allowed.class);
    }
    assertThat(limits.login("bob", "10.0.0.2"))
        .isInstanceOfSatisfying(
            LoginAttempt.Refused.class, r -> assertThat(r.retryAfterSeconds()).isPositive());
    assertThat(limits.login("BOB", "10.0.0.3")).isInstanceOf(LoginAttempt.Refused.class);
    assertThat(limits.login("carol", "10.0.0.2")).isInstanceOf(LoginAttempt.Allowed.class);
  }

  @Test
  void failedLoginsCountPerAddressAndARefusedAttemptIsNoFailure() {
    for (int i = 0; i < 3; i++) {
      assertThat(limits.login("dave", "10.0.0.4")).isInstanceOf(LoginAttempt.Allowed.class);
    }
    // refused for dave's account: costs 10.0.0.4 nothing
    assertThat(limits.login("dave", "10.0.0.4")).isInstanceOf(LoginAttempt.Refused.class);
    assertThat(limits.login("erin", "10.0.0.4")).isInstanceOf(LoginAttempt.Allowed.class);
    assertThat(limits.login("frank", "10.0.0.4")).isInstanceOf(LoginAttempt.Allowed.class);
    // five failures from the address: the next account from there waits too
    assertThat(limits.login("grace", "10.0.0.4")).isInstanceOf(LoginAttempt.Refused.class);
  }

  @Test
  void the429SaysWhenToRetry() {
    var refusal = RateLimits.tooManyRequests("Too many failed login attempts", 7);
    assertThat(refusal.getStatusCode().value()).isEqualTo(429);
    assertThat(refusal.getHeaders().getFirst("Retry-After")).isEqualTo("7");
    assertThat(refusal.getBody().getDetail())
        .startsWith("Too many failed login attempts; retry in 7 s (after ");
    assertThat(refusal.getBody().getProperties()).containsEntry("retryAfterSeconds", 7L);
  }
}
