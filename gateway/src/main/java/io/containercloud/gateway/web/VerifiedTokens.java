package io.containercloud.gateway.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Verifies a token once per token instead of once per request: a client sends the same access token
 * for its whole lifetime, and the RSA check is the largest single cost of a routed request. Only
 * the exact token string hits (a changed byte is a miss and is verified). What can change while a
 * token is remembered is only the time, so a hit checks the token's validity window (expiry and
 * not-before, with the validator's clock skew); issuer and audience were checked with the signature
 * and cannot change.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

  /**
   * Bounds memory (a few kB per token); when full it starts over, costing only re-verifications.
   */
  static final int MAX_TOKENS = 10_000;

  /** As Spring Security's timestamp validator allows by default. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private static final OAuth2Error OUTSIDE_WINDOW =
      new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The token is outside its validity", null);

  private record Verified(Jwt jwt, Instant notBefore, Instant notAfter) {
    boolean validAt(Instant now) {
      return !now.isBefore(notBefore) && now.isBefore(notAfter);
    }
  }

  private final ReactiveJwtDecoder decoder;
  private final OAuth2TokenValidator<Jwt> validator;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /**
   * @param decoder verifies the signature and validates every claim with {@code validator}
   * @param validator the same validator, which names what is wrong once the window has passed
   */
  VerifiedTokens(ReactiveJwtDecoder decoder, OAuth2TokenValidator<Jwt> validator, Clock clock) {
    this.decoder = decoder;
    this.validator = validator;
    this.clock = clock;
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Verified known = verified.get(token);
    if (known == null) {
      return decoder.decode(token).doOnNext(jwt -> remember(token, jwt));
    }
    if (known.validAt(clock.instant())) {
      return Mono.just(known.jwt());
    }
    return forget(token, known);
  }

  /**
   * The token's claims when it was verified before and is still valid, without a {@link Mono}; null
   * when it must go through {@link #decode} (unknown, or no longer valid: decode says why).
   */
  Jwt verifiedBefore(String token) {
    Verified known = verified.get(token);
    return known != null && known.validAt(clock.instant()) ? known.jwt() : null;
  }

  private Mono<Jwt> forget(String token, Verified known) {
    verified.remove(token);
    OAuth2TokenValidatorResult result = validator.validate(known.jwt());
    return Mono.error(
        new JwtValidationException(
            "The token is no longer valid",
            result.hasErrors() ? result.getErrors() : List.of(OUTSIDE_WINDOW)));
  }

  private void remember(String token, Jwt jwt) {
    if (verified.size() >= MAX_TOKENS) {
      verified.clear();
    }
    Instant notBefore =
        jwt.getNotBefore() == null ? Instant.MIN : jwt.getNotBefore().minus(CLOCK_SKEW);
    Instant notAfter =
        jwt.getExpiresAt() == null ? Instant.MAX : jwt.getExpiresAt().plus(CLOCK_SKEW);
    verified.put(token, new Verified(jwt, notBefore, notAfter));
  }
}
