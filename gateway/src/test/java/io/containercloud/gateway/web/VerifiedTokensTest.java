package io.containercloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import reactor.core.publisher.Mono;

class VerifiedTokensTest {

  private final AtomicInteger verifications = new AtomicInteger();
  private final AtomicBoolean claimsValid = new AtomicBoolean(true);

  private final VerifiedTokens tokens =
      new VerifiedTokens(
          token -> {
            verifications.incrementAndGet();
            return Mono.just(jwt(token));
          },
          jwt ->
              claimsValid.get()
                  ? OAuth2TokenValidatorResult.success()
                  : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token")));

  @Test
  void verifiesEachTokenOnce() {
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    assertThat(tokens.decode("b").block().getSubject()).isEqualTo("b");

    assertThat(verifications).hasValue(2);
  }

  @Test
  void validatesClaimsOnEveryHitAndForgetsATokenThatFails() {
    tokens.decode("a").block();
    claimsValid.set(false);

    assertThatThrownBy(() -> tokens.decode("a").block()).isInstanceOf(JwtValidationException.class);
    claimsValid.set(true);
    tokens.decode("a").block();
    assertThat(verifications).hasValue(2);
  }

  @Test
  void aFailedVerificationIsNotRemembered() {
    VerifiedTokens failing =
        new VerifiedTokens(
            token -> {
              verifications.incrementAndGet();
              return Mono.error(new IllegalStateException("bad signature"));
            },
            jwt -> OAuth2TokenValidatorResult.success());

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
        .expiresAt(Instant.now().plusSeconds(60))
        .build();
  }
}
