package io.containercloud.gateway.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.containercloud.common.error.ProblemInstance;
import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.web.CorrelationIdFilter;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a routed request's headers become, in the one copy of them Spring Cloud Gateway makes
 * anyway. Dropped: a client's {@code Forwarded} and {@code X-Forwarded-*} headers (they would move
 * its address, host or path prefix as the service sees them) and identity headers (services believe
 * only the token). Set, never appended: the prefix the gateway removed ({@code X-Forwarded-Prefix:
 * /api/<service>}, so the service can name the caller's path in a problem's {@code instance} and in
 * links) and the request's correlation id.
 *
 * <p>Spring Cloud Gateway's own filters for the forwarded headers are left out of the context: with
 * no trusted proxies they only drop them, at the cost of two more copies of the headers and a
 * stream pipeline over them per request.
 */
@Component
class ForwardedHeaders implements HttpHeadersFilter, Ordered {

  private static final String[] IDENTITY_HEADERS = {
    "X-User", "X-Tenant", "X-Roles", "X-Auth-Request-User"
  };

  private final Set<String> services;

  ForwardedHeaders(GatewayProperties properties) {
    this.services = Set.copyOf(properties.services().keySet());
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // nothing after it adds a header
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    HttpHeaders headers = new HttpHeaders();
    input.forEach(
        (name, values) -> {
          if (!dropped(name)) {
            headers.put(name, values);
          }
        });
    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    if (route != null && services.contains(route.getId())) {
      headers.set(ProblemInstance.PREFIX_HEADER, "/api/" + route.getId());
    }
    headers.set(CorrelationIdFilter.HEADER, CorrelationIdFilter.of(exchange));
    return headers;
  }

  private static boolean dropped(String name) {
    if (name.regionMatches(true, 0, "X-Forwarded-", 0, 12) || name.equalsIgnoreCase("Forwarded")) {
      return true;
    }
    for (String identity : IDENTITY_HEADERS) {
      if (name.equalsIgnoreCase(identity)) {
        return true;
      }
    }
    return false;
  }

  /** Takes Spring Cloud Gateway's forwarded-header removers out (see above). */
  @Bean
  static BeanDefinitionRegistryPostProcessor withoutForwardedHeaderRemovers() {
    return registry ->
        Stream.of("removeForwardedHeadersFilter", "removeXForwardedHeadersFilter")
            .filter(registry::containsBeanDefinition)
            .forEach(registry::removeBeanDefinition);
  }
}
