package io.containercloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.common.security.VerifiedTokens;
import io.containercloud.common.testing.MutableClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import reactor.core.publisher.Mono;

class RememberingDecoderTest {

  private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

  private final AtomicInteger verifications = new AtomicInteger();
  private final MutableClock clock = new MutableClock(START);
  private final RememberingDecoder tokens =
      new RememberingDecoder(
          token -> {
            verifications.incrementAndGet();
            return Mono.just(
                Jwt.withTokenValue(token)
                    .header("alg", "RS256")
                    .subject(token)
                    .expiresAt(START.plusSeconds(60))
                    .build());
          },
          new VerifiedTokens(jwt -> OAuth2TokenValidatorResult.success(), clock));

  @Test
  void aKnownTokenIsAnsweredWithoutVerifyingItAgain() {
    assertThat(tokens.verifiedBefore("a")).isNull();
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");

    assertThat(tokens.verifiedBefore("a").getSubject()).isEqualTo("a");
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    assertThat(verifications).hasValue(1);
  }

  @Test
  void aTokenPastItsWindowIsAnErrorOfTheMono() {
    tokens.decode("a").block();
    tokens.decode("b").block();
    clock.set(START.plus(VerifiedTokens.CLOCK_SKEW).plusSeconds(60));

    assertThat(tokens.verifiedBefore("b")).isNull();
    assertThatThrownBy(() -> tokens.decode("a").block())
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("no longer valid");
  }
}
