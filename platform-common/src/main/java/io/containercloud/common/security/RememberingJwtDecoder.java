package io.containercloud.common.security;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** Verifies each token once with {@code decoder}, then answers from {@link VerifiedTokens}. */
final class RememberingJwtDecoder implements JwtDecoder {

  private final JwtDecoder decoder;
  private final VerifiedTokens verified;

  RememberingJwtDecoder(JwtDecoder decoder, VerifiedTokens verified) {
    this.decoder = decoder;
    this.verified = verified;
  }

  @Override
  public Jwt decode(String token) {
    Jwt known = verified.recall(token);
    if (known != null) {
      return known;
    }
    Jwt jwt = decoder.decode(token);
    verified.remember(token, jwt);
    return jwt;
  }
}
