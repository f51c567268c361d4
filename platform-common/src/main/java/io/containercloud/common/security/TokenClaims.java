package io.containercloud.common.security;

import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

/** How the platform's decoders turn verified claims into a {@code Jwt}. */
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
}
