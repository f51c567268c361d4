package io.containercloud.gateway.web;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.error.Problems;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Every error the gateway answers itself (unknown route, bad login body, failed backend) becomes
 * problem details; ahead of Boot's default handler, which would answer its own JSON shape.
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

  private final ProblemWriter writer;

  ProblemExceptionHandler(ProblemWriter writer) {
    this.writer = writer;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable e) {
    if (e instanceof ProblemException p) {
      return writer.write(exchange, p.status(), p.code(), p.getMessage(), p.violations());
    }
    if (e instanceof WebExchangeBindException bind) {
      List<FieldViolation> violations =
          bind.getFieldErrors().stream()
              .map(f -> new FieldViolation(f.getField(), f.getDefaultMessage()))
              .sorted(Comparator.comparing(FieldViolation::field))
              .toList();
      return writer.write(
          exchange,
          HttpStatus.BAD_REQUEST,
          "validation-failed",
          "The request has invalid fields.",
          violations);
    }
    if (e instanceof ServerWebInputException input) {
      return writer.write(
          exchange,
          input.getStatusCode(),
          "malformed-body",
          "The request body is not valid JSON of the expected shape.",
          List.of());
    }
    if (e instanceof ErrorResponse error) {
      return writeErrorResponse(exchange, error);
    }
    log.error("unhandled error on {}", exchange.getRequest().getPath(), e);
    return writer.write(
        exchange,
        HttpStatus.INTERNAL_SERVER_ERROR,
        "internal-error",
        "The gateway failed to handle the request.",
        List.of());
  }

  /**
   * Spring's own errors (and the gateway's 429s) keep their status, detail, headers ({@code
   * Retry-After}, {@code Allow}, ...) and extra members, and gain the platform's type and code.
   */
  private Mono<Void> writeErrorResponse(ServerWebExchange exchange, ErrorResponse error) {
    ProblemDetail body = error.getBody();
    String detail = body.getDetail() != null ? body.getDetail() : body.getTitle();
    if (!exchange.getResponse().isCommitted()) {
      exchange.getResponse().getHeaders().putAll(error.getHeaders());
    }
    Map<String, Object> extra = body.getProperties() == null ? Map.of() : body.getProperties();
    HttpStatusCode status = error.getStatusCode();
    return writer.write(exchange, status, Problems.codeFor(status), detail, List.of(), extra);
  }
}
