package io.containercloud.gateway.web;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who sent a routed request: its verified access token, kept in the exchange by {@link
 * RoutedRequests} for the rate limits and the audit trail. An attribute rather than the exchange's
 * principal, which would wrap the exchange and be read through a {@code Mono} on every request.
 */
public final class Caller {

  static final String ATTRIBUTE = Caller.class.getName();

  private Caller() {}

  /** The caller's token; {@code null} where none was verified (no routed request gets that far). */
  public static Jwt of(ServerWebExchange exchange) {
    return exchange.getAttribute(ATTRIBUTE);
  }
}
