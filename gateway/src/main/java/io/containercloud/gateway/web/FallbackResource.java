package io.containercloud.gateway.web;

import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Where a route's circuit breaker sends requests its service cannot take now. */
@RestController
class FallbackResource {

  private final ProblemWriter problems;

  FallbackResource(ProblemWriter problems) {
    this.problems = problems;
  }

  @RequestMapping("/fallback/{service}")
  Mono<Void> unavailable(@PathVariable String service, ServerWebExchange exchange) {
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
