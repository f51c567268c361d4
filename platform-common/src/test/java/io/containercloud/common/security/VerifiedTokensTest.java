package io.containercloud.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.common.testing.MutableClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class VerifiedTokensTest {

  private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

  private final AtomicInteger verifications = new AtomicInteger();
  private final AtomicInteger validations = new AtomicInteger();
  private final MutableClock clock = new MutableClock(START);

  private final JwtDecoder tokens =
      decoder(
          token -> {
            verifications.incrementAndGet();
            return jwt(token);
          },
          jwt -> {
            validations.incrementAndGet();
            return clock.instant().isBefore(jwt.getExpiresAt().plus(VerifiedTokens.CLOCK_SKEW))
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(
                    new OAuth2Error("invalid_token", "Jwt expired", null));
          });

  @Test
  void verifiesEachTokenOnce() {
    assertThat(tokens.decode("a").getSubject()).isEqualTo("a");
    assertThat(tokens.decode("a").getSubject()).isEqualTo("a");
    assertThat(tokens.decode("b").getSubject()).isEqualTo("b");

    assertThat(verifications).hasValue(2);
  }

  @Test
  void aHitChecksOnlyTheValidityWindowAndForgetsATokenPastIt() {
    tokens.decode("a");
    clock.set(START.plusSeconds(60 + 59)); // expiry plus the skew, less a second
    assertThat(tokens.decode("a").getSubject()).isEqualTo("a");
    assertThat(validations).hasValue(0);

    clock.set(START.plusSeconds(60 + 60));
    assertThatThrownBy(() -> tokens.decode("a"))
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("no longer valid");
    assertThat(verifications).hasValue(1);
    tokens.decode("a"); // this test's decoder checks no time
    assertThat(verifications).as("a forgotten token is verified again").hasValue(2);
  }

  @Test
  void aTokenNotValidYetIsRefusedUntilItsTime() {
    JwtDecoder early =
        decoder(
            token ->
                Jwt.withTokenValue(token)
                    .header("alg", "RS256")
                    .subject(token)
                    .notBefore(START.plusSeconds(120))
                    .expiresAt(START.plusSeconds(600))
                    .build(),
            jwt -> OAuth2TokenValidatorResult.success());
    early.decode("n"); // the decoder's own validator let it through

    assertThatThrownBy(() -> early.decode("n")).isInstanceOf(JwtValidationException.class);
  }

  @Test
  void aFailedVerificationIsNotRemembered() {
    JwtDecoder failing =
        decoder(
            token -> {
              verifications.incrementAndGet();
              throw new IllegalStateException("bad signature");
            },
            jwt -> OAuth2TokenValidatorResult.success());

    assertThatThrownBy(() -> failing.decode("a")).hasMessageContaining("bad signature");
    assertThatThrownBy(() -> failing.decode("a")).hasMessageContaining("bad signature");
    assertThat(verifications).hasValue(2);
  }

  @Test
  void startsOverWhenFull() {
    for (int i = 0; i <= VerifiedTokens.MAX_TOKENS; i++) {
      tokens.decode("t" + i);
    }
    tokens.decode("t0");

    assertThat(verifications).hasValue(VerifiedTokens.MAX_TOKENS + 2);
  }

  private JwtDecoder decoder(JwtDecoder verifier, OAuth2TokenValidator<Jwt> validator) {
    return new RememberingJwtDecoder(verifier, new VerifiedTokens(validator, clock));
  }

  private static Jwt jwt(String subject) {
    return Jwt.withTokenValue(subject)
        .header("alg", "RS256")
        .subject(subject)
        .expiresAt(START.plusSeconds(60))
        .build();
  }
}
