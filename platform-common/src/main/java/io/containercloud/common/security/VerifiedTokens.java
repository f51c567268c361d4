package io.containercloud.common.security;

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

/**
 * Tokens whose signature and claims were verified, kept until they expire: a client (a user or a
 * service) sends the same access token for its whole lifetime, and the RSA check is the largest
 * single cost of a request. Only the exact token string hits (a changed byte is a miss and is
 * verified). What can change while a token is remembered is only the time, so a hit checks the
 * token's validity window (expiry and not-before, with the validator's clock skew); issuer and
 * audience were checked with the signature and cannot change.
 */
public final class VerifiedTokens {

  /**
   * Bounds memory (a few kB per token); when full it starts over, costing only re-verifications.
   */
  public static final int MAX_TOKENS = 10_000;

  /** As Spring Security's timestamp validator allows by default. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private static final OAuth2Error OUTSIDE_WINDOW =
      new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The token is outside its validity", null);

  private record Verified(Jwt jwt, Instant notBefore, Instant notAfter) {
    boolean validAt(Instant now) {
      return !now.isBefore(notBefore) && now.isBefore(notAfter);
    }
  }

  private final OAuth2TokenValidator<Jwt> validator;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /**
   * @param validator the decoder's own validator, which names what is wrong once a remembered
   *     token's window has passed
   */
  public VerifiedTokens(OAuth2TokenValidator<Jwt> validator, Clock clock) {
    this.validator = validator;
    this.clock = clock;
  }

  /**
   * The token's claims when it was verified before and is still valid; null when it must be
   * verified (unknown).
   *
   * @throws JwtValidationException when it was verified but is no longer (or not yet) valid; it is
   *     forgotten, so a later call verifies it again
   */
  public Jwt recall(String token) {
    Verified known = verified.get(token);
    if (known == null) {
      return null;
    }
    if (known.validAt(clock.instant())) {
      return known.jwt();
    }
    verified.remove(token);
    OAuth2TokenValidatorResult result = validator.validate(known.jwt());
    throw new JwtValidationException(
        "The token is no longer valid",
        result.hasErrors() ? result.getErrors() : List.of(OUTSIDE_WINDOW));
  }

  /** Keeps a token its decoder just verified. */
  public void remember(String token, Jwt jwt) {
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
