package io.containercloud.common.security;

import java.util.List;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

/** How the platform's decoders turn verified claims into a {@code Jwt} and check them. */
public final class TokenClaims {

  private TokenClaims() {}

  /**
   * Spring's defaults, except the issuer stays a string: the platform's issuer is a name, not a
   * URL, and the default converter tries {@code URI.toURL} first, throwing and catching an
   * exception on every request.
   */
  public static Converter<Map<String, Object>, Map<String, Object>> converter() {
    return MappedJwtClaimSetConverter.withDefaults(
        Map.of(JwtClaimNames.ISS, issuer -> issuer == null ? null : issuer.toString()));
  }

  /** Spring's default checks (expiry, not-before) with the issuer, and the platform's audience. */
  public static OAuth2TokenValidator<Jwt> validator(String issuer, String audience) {
    OAuth2Error wrongAudience =
        new OAuth2Error("invalid_token", "The token is not meant for this platform", null);
    return new DelegatingOAuth2TokenValidator<>(
        JwtValidators.createDefaultWithIssuer(issuer),
        jwt -> {
          List<String> aud = jwt.getAudience();
          return aud != null && aud.contains(audience)
              ? OAuth2TokenValidatorResult.success()
              : OAuth2TokenValidatorResult.failure(wrongAudience);
        });
  }
}
