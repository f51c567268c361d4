package io.containercloud.gateway.route;

import io.containercloud.gateway.GatewayProperties;
import java.net.URI;
import java.util.Map;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code /api/<service>/**} goes to that service with the prefix removed. Identity headers a client
 * might send are dropped: services believe only the token.
 */
@Configuration(proxyBeanMethods = false)
class ServiceRoutes {

  static final String[] IDENTITY_HEADERS = {
    "X-User", "X-Tenant", "X-Roles", "X-Forwarded-User", "X-Auth-Request-User"
  };

  @Bean
  RouteLocator serviceRouteLocator(RouteLocatorBuilder builder, GatewayProperties properties) {
    RouteLocatorBuilder.Builder routes = builder.routes();
    for (Map.Entry<String, URI> service : properties.services().entrySet()) {
      routes.route(
          service.getKey(),
          r ->
              r.path("/api/" + service.getKey() + "/**")
                  .filters(
                      f -> {
                        f.stripPrefix(2);
                        f.setRequestSize(properties.maxRequestSize());
                        for (String header : IDENTITY_HEADERS) {
                          f.removeRequestHeader(header);
                        }
                        return f;
                      })
                  .uri(service.getValue()));
    }
    return routes.build();
  }
}
