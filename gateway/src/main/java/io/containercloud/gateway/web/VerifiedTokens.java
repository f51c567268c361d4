package io.containercloud.gateway.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Verifies a token's signature once per token instead of once per request: a client sends the same
 * access token for its whole lifetime, and the RSA check is the largest single cost of a routed
 * request. Only the exact token string hits (a changed byte is a miss and is verified); the claims
 * (expiry, issuer, audience) are validated again on every hit.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

  /**
   * Bounds memory (a few kB per token); when full it starts over, costing only re-verifications.
   */
  static final int MAX_TOKENS = 10_000;

  private final ReactiveJwtDecoder decoder;
  private final OAuth2TokenValidator<Jwt> validator;
  private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

  VerifiedTokens(ReactiveJwtDecoder decoder, OAuth2TokenValidator<Jwt> validator) {
    this.decoder = decoder;
    this.validator = validator;
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Jwt known = verified.get(token);
    if (known == null) {
      return decoder.decode(token).doOnNext(jwt -> remember(token, jwt));
    }
    OAuth2TokenValidatorResult result = validator.validate(known);
    if (result.hasErrors()) {
      verified.remove(token);
      return Mono.error(
          new JwtValidationException("The token is no longer valid", result.getErrors()));
    }
    return Mono.just(known);
  }

  private void remember(String token, Jwt jwt) {
    if (verified.size() >= MAX_TOKENS) {
      verified.clear();
    }
    verified.put(token, jwt);
  }
}
