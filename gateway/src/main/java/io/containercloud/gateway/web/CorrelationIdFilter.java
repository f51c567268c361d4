package io.containercloud.gateway.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request a correlation id: the client's {@code X-Correlation-Id} when it is a plain
 * token, a new random one otherwise. It goes back to the client, into the audit record, and to the
 * service (which logs it) with the routed request's other headers ({@code ForwardedHeaders}), so
 * the request itself is not copied here. An id needs to be unique, not unguessable: it is drawn
 * from a per-thread generator, not from {@code SecureRandom}, which serialises every request on one
 * lock.
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
    String id = offered != null && ACCEPTED.matcher(offered).matches() ? offered : newId();
    exchange.getResponse().getHeaders().set(HEADER, id);
    exchange.getAttributes().put(ATTRIBUTE, id);
    return chain.filter(exchange);
  }

  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** The id of this exchange (set by the filter). */
  public static String of(ServerWebExchange exchange) {
    Object id = exchange.getAttribute(ATTRIBUTE);
    return id == null ? "" : id.toString();
  }
}
