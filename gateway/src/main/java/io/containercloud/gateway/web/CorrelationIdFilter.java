package io.containercloud.gateway.web;

import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request a correlation id: the client's {@code X-Correlation-Id} when it is a plain
 * token, a new UUID otherwise. It goes to the service (which logs it), back to the client, and into
 * the audit record.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CorrelationIdFilter implements WebFilter {

  public static final String HEADER = "X-Correlation-Id";
  public static final String ATTRIBUTE = CorrelationIdFilter.class.getName();
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{8,64}");

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String offered = exchange.getRequest().getHeaders().getFirst(HEADER);
    String id =
        offered != null && ACCEPTED.matcher(offered).matches()
            ? offered
            : UUID.randomUUID().toString();
    ServerHttpRequest request =
        exchange.getRequest().mutate().headers(h -> h.set(HEADER, id)).build();
    exchange.getResponse().getHeaders().set(HEADER, id);
    ServerWebExchange tagged = exchange.mutate().request(request).build();
    tagged.getAttributes().put(ATTRIBUTE, id);
    return chain.filter(tagged);
  }

  /** The id of this exchange (set by the filter). */
  public static String of(ServerWebExchange exchange) {
    Object id = exchange.getAttribute(ATTRIBUTE);
    return id == null ? "" : id.toString();
  }
}
