package io.containercloud.gateway.web;

import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Answers what {@link MalformedRequestGuard} refused with problem details; right after the
 * correlation id is set, before security or routing see the request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class MalformedRequestFilter implements WebFilter {

  private static final Map<Integer, Refusal> REFUSALS =
      Map.of(
          400,
          new Refusal(
              HttpStatus.BAD_REQUEST,
              "malformed-request",
              "The request is not well-formed HTTP/1.1."),
          414,
          new Refusal(
              HttpStatus.URI_TOO_LONG,
              "uri-too-long",
              "The request line is longer than the gateway accepts."),
          431,
          new Refusal(
              HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "headers-too-large",
              "The request's headers are larger than the gateway accepts."));

  private static final Refusal NO_URI =
      new Refusal(
          HttpStatus.BAD_REQUEST,
          "request-rejected",
          "The request was rejected because its target is not a valid URI"
              + " (characters such as | \\ \" { } or control characters must be percent-encoded).");

  private final ProblemWriter problems;

  MalformedRequestFilter(ProblemWriter problems) {
    this.problems = problems;
  }

  private record Refusal(HttpStatus status, String code, String detail) {}

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    String rejection = request.getHeaders().getFirst(MalformedRequestGuard.REJECTION_HEADER);
    if (rejection == null
        || !MalformedRequestGuard.REJECTED_PATH.equals(request.getPath().value())) {
      return chain.filter(exchange);
    }
    String target = request.getHeaders().getFirst(MalformedRequestGuard.TARGET_HEADER);
    Refusal refusal =
        target != null ? NO_URI : REFUSALS.getOrDefault(parse(rejection), REFUSALS.get(400));
    return problems.write(
        exchange, refusal.status(), refusal.code(), refusal.detail(), List.of(), Map.of(), target);
  }

  private static int parse(String status) {
    try {
      return Integer.parseInt(status);
    } catch (NumberFormatException e) {
      return 400;
    }
  }
}
