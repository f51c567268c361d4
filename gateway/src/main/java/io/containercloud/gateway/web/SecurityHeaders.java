package io.containercloud.gateway.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The headers Spring Security's chain writes by default, by its rules (a group is added only when
 * the answer has none of its headers; no caching headers on a 304; HSTS only over HTTPS), written
 * in one pass: its composite of writers costs a Flux per answer. GatewayApplicationIT compares the
 * two on real answers.
 */
final class SecurityHeaders implements ServerHttpHeadersWriter {

  @Override
  public Mono<Void> writeHttpHeaders(ServerWebExchange exchange) {
    HttpHeaders headers = exchange.getResponse().getHeaders();
    if (exchange.getResponse().getStatusCode() != HttpStatus.NOT_MODIFIED
        && !headers.containsHeader(HttpHeaders.CACHE_CONTROL)
        && !headers.containsHeader(HttpHeaders.PRAGMA)
        && !headers.containsHeader(HttpHeaders.EXPIRES)) {
      headers.set(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate");
      headers.set(HttpHeaders.PRAGMA, "no-cache");
      headers.set(HttpHeaders.EXPIRES, "0");
    }
    setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
    if ("https".equals(exchange.getRequest().getURI().getScheme())) {
      setIfAbsent(headers, "Strict-Transport-Security", "max-age=31536000 ; includeSubDomains");
    }
    setIfAbsent(headers, "X-Frame-Options", "DENY");
    setIfAbsent(headers, "X-XSS-Protection", "0");
    setIfAbsent(headers, "Referrer-Policy", "no-referrer");
    return Mono.empty();
  }

  private static void setIfAbsent(HttpHeaders headers, String name, String value) {
    if (!headers.containsHeader(name)) {
      headers.set(name, value);
    }
  }
}
