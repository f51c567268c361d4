package io.containercloud.gateway.web;

import io.containercloud.common.security.VerifiedTokens;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/** Verifies each token once with {@code decoder}, then answers from {@link VerifiedTokens}. */
final class RememberingDecoder implements ReactiveJwtDecoder {

  private final ReactiveJwtDecoder decoder;
  private final VerifiedTokens verified;

  RememberingDecoder(ReactiveJwtDecoder decoder, VerifiedTokens verified) {
    this.decoder = decoder;
    this.verified = verified;
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Jwt known;
    try {
      known = verified.recall(token);
    } catch (JwtValidationException e) {
      return Mono.error(e);
    }
    return known != null
        ? Mono.just(known)
        : decoder.decode(token).doOnNext(jwt -> verified.remember(token, jwt));
  }

  /**
   * The token's claims when it was verified before and is still valid, without a {@link Mono}; null
   * when it must go through {@link #decode} (unknown, or no longer valid: decode says why).
   */
  Jwt verifiedBefore(String token) {
    try {
      return verified.recall(token);
    } catch (JwtValidationException e) {
      return null;
    }
  }
}
