package io.containercloud.gateway.web;

import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The answer to a routed request whose service cannot take it now (circuit open, connection refused
 * or broken, route timeout): 503 problem details with {@code Retry-After}, saying for a change that
 * it may or may not have been made.
 */
@Component
public class ServiceUnavailable {

  private final ProblemWriter problems;

  ServiceUnavailable(ProblemWriter problems) {
    this.problems = problems;
  }

  /** Writes the answer unless the service's own answer has started already. */
  public Mono<Void> answer(ServerWebExchange exchange, String service) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.empty(); // the service's answer started before the time limit hit: leave it
    }
    exchange.getResponse().getHeaders().set("Retry-After", "5");
    HttpMethod method = exchange.getRequest().getMethod();
    boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    return problems.write(
        exchange,
        HttpStatus.SERVICE_UNAVAILABLE,
        "service-unavailable",
        read
            ? "Service '" + service + "' is unavailable or did not answer in time. Try again later."
            : "Service '"
                + service
                + "' is unavailable or did not answer in time; the change may or may not have"
                + " been made. Retry with the same Idempotency-Key to make it at most once.",
        List.of());
  }
}
