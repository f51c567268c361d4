package io.containercloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import reactor.core.publisher.Mono;

class VerifiedTokensTest {

  private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

  private final AtomicInteger verifications = new AtomicInteger();
  private final AtomicInteger validations = new AtomicInteger();
  private final MutableClock clock = new MutableClock(START);

  private final VerifiedTokens tokens =
      new VerifiedTokens(
          token -> {
            verifications.incrementAndGet();
            return Mono.just(jwt(token));
          },
          jwt -> {
            validations.incrementAndGet();
            return clock.instant().isBefore(jwt.getExpiresAt().plus(VerifiedTokens.CLOCK_SKEW))
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(
                    new OAuth2Error("invalid_token", "Jwt expired", null));
          },
          clock);

  @Test
  void verifiesEachTokenOnce() {
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    assertThat(tokens.decode("b").block().getSubject()).isEqualTo("b");

    assertThat(verifications).hasValue(2);
  }

  @Test
  void aHitChecksOnlyTheValidityWindowAndForgetsATokenPastIt() {
    tokens.decode("a").block();
    clock.set(START.plusSeconds(60 + 59)); // expiry plus the skew, less a second
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    assertThat(validations).hasValue(0);

    clock.set(START.plusSeconds(60 + 60));
    assertThatThrownBy(() -> tokens.decode("a").block())
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("no longer valid");
    assertThat(verifications).hasValue(1);
    tokens.decode("a").block(); // this test's decoder checks no time
    assertThat(verifications).as("a forgotten token is verified again").hasValue(2);
  }

  @Test
  void aTokenNotValidYetIsRefusedUntilItsTime() {
    VerifiedTokens early =
        new VerifiedTokens(
            token ->
                Mono.just(
                    Jwt.withTokenValue(token)
                        .header("alg", "RS256")
                        .subject(token)
                        .notBefore(START.plusSeconds(120))
                        .expiresAt(START.plusSeconds(600))
                        .build()),
            jwt -> OAuth2TokenValidatorResult.success(),
            clock);
    early.decode("n").block(); // the decoder's own validator let it through

    assertThatThrownBy(() -> early.decode("n").block()).isInstanceOf(JwtValidationException.class);
  }

  @Test
  void aFailedVerificationIsNotRemembered() {
    VerifiedTokens failing =
        new VerifiedTokens(
            token -> {
              verifications.incrementAndGet();
              return Mono.error(new IllegalStateException("bad signature"));
            },
            jwt -> OAuth2TokenValidatorResult.success(),
            clock);

    assertThatThrownBy(() -> failing.decode("a").block()).hasMessageContaining("bad signature");
    assertThatThrownBy(() -> failing.decode("a").block()).hasMessageContaining("bad signature");
    assertThat(verifications).hasValue(2);
  }

  @Test
  void startsOverWhenFull() {
    for (int i = 0; i <= VerifiedTokens.MAX_TOKENS; i++) {
      tokens.decode("t" + i).block();
    }
    tokens.decode("t0").block();

    assertThat(verifications).hasValue(VerifiedTokens.MAX_TOKENS + 2);
  }

  private static Jwt jwt(String subject) {
    return Jwt.withTokenValue(subject)
        .header("alg", "RS256")
        .subject(subject)
        .expiresAt(START.plusSeconds(60))
        .build();
  }

  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
