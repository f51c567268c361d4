package io.containercloud.gateway.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.containercloud.common.error.ProblemInstance;
import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.web.CorrelationIdFilter;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a routed request's headers become, in the one copy of them Spring Cloud Gateway makes
 * anyway. Identity headers a client might send are dropped: services believe only the token. Added:
 * the prefix the gateway removed ({@code X-Forwarded-Prefix: /api/<service>}, so the service can
 * name the caller's path in a problem's {@code instance} and in links) and the request's
 * correlation id. Always the gateway's own values: a client's {@code X-Forwarded-*} headers are
 * gone by then (Spring Cloud Gateway drops them for an untrusted client, and this filter runs after
 * it), and both are set, never appended.
 */
@Component
class ForwardedHeaders implements HttpHeadersFilter, Ordered {

  static final List<String> IDENTITY_HEADERS =
      List.of("X-User", "X-Tenant", "X-Roles", "X-Forwarded-User", "X-Auth-Request-User");

  private final Set<String> services;

  ForwardedHeaders(GatewayProperties properties) {
    this.services = Set.copyOf(properties.services().keySet());
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // after the filter that removes the client's X-Forwarded-*
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(input);
    if (route != null && services.contains(route.getId())) {
      headers.set(ProblemInstance.PREFIX_HEADER, "/api/" + route.getId());
    } else {
      headers.remove(ProblemInstance.PREFIX_HEADER);
    }
    IDENTITY_HEADERS.forEach(headers::remove);
    headers.set(CorrelationIdFilter.HEADER, CorrelationIdFilter.of(exchange));
    return headers;
  }
}
