package io.containercloud.gateway.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.containercloud.common.error.ProblemInstance;
import io.containercloud.gateway.GatewayProperties;
import java.util.Set;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells a service the prefix the gateway removed: {@code X-Forwarded-Prefix: /api/<service>} on
 * every routed request, so the service can name the caller's path (a problem's {@code instance},
 * links). Always the gateway's own value: what a client sent under that name is gone by then
 * (Spring Cloud Gateway drops every {@code X-Forwarded-*} header of an untrusted client, and this
 * filter runs after it and sets, never appends).
 */
@Component
class ForwardedPrefixHeader implements HttpHeadersFilter, Ordered {

  private final Set<String> services;

  ForwardedPrefixHeader(GatewayProperties properties) {
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
    return headers;
  }
}
