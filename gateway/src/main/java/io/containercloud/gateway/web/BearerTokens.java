package io.containercloud.gateway.web;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Takes the access token from {@code Authorization: Bearer <token>} (RFC 6750 section 2.1; never
 * from a query or form parameter) as Spring Security's converter does, without its cost on every
 * routed request: a case-insensitive regular expression over the whole token and three merged
 * fluxes to look in places the platform does not allow.
 */
final class BearerTokens implements ServerAuthenticationConverter {

  private static final String PREFIX = "Bearer ";

  @Override
  public Mono<Authentication> convert(ServerWebExchange exchange) {
    String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return Mono.empty();
    }
    String token = token(header);
    if (token == null) {
      return Mono.error(
          new OAuth2AuthenticationException(
              BearerTokenErrors.invalidToken("Bearer token is malformed")));
    }
    return Mono.just(new BearerTokenAuthenticationToken(token));
  }

  /** The token of a well-formed {@code Bearer} authorization {@code header}, else null. */
  static String token(String header) {
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return null;
    }
    String token = header.substring(PREFIX.length());
    return isToken68(token) ? token : null;
  }

  /** {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
  static boolean isToken68(String token) {
    int i = 0;
    while (i < token.length() && tokenChar(token.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < token.length() && token.charAt(i) == '=') {
      i++;
    }
    return i == token.length();
  }

  private static boolean tokenChar(char c) {
    return c < TOKEN_CHARS.length && TOKEN_CHARS[c];
  }

  // a table, not a chain of comparisons: the check runs over every routed request's whole token
  private static final boolean[] TOKEN_CHARS = new boolean[128];

  static {
    String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/";
    for (char c : chars.toCharArray()) {
      TOKEN_CHARS[c] = true;
    }
  }
}
