package io.containercloud.common.error;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Database errors worth retrying, for services with a database (ahead of the catch-all 500). */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class DataAccessProblemsAdvice {

  private static final Logger log = LoggerFactory.getLogger(DataAccessProblemsAdvice.class);

  /** A deadlock or lock timeout: nothing was changed, and the same request may well succeed. */
  @ExceptionHandler(TransientDataAccessException.class)
  ResponseEntity<Object> handleTransient(
      TransientDataAccessException e, HttpServletRequest request) {
    log.warn("transient database failure: {}", e.getMostSpecificCause().getMessage());
    return unavailable(
        "retry", "A concurrent change got in the way; nothing was changed. Retry.", request);
  }

  /**
   * The database is away or went silent (connection refused or cut, a statement that outlived the
   * socket timeout): answered at once, inside the gateway's route timeout. A write cut at its very
   * commit may have happened; a client that sent an Idempotency-Key retries it safely.
   */
  @ExceptionHandler({
    DataAccessResourceFailureException.class,
    RecoverableDataAccessException.class,
    CannotCreateTransactionException.class
  })
  ResponseEntity<Object> handleUnavailable(Exception e, HttpServletRequest request) {
    log.warn("database unavailable: {}", e.getMessage());
    return unavailable(
        "dependency-unavailable",
        "The database did not answer. Retry; a write sent with an Idempotency-Key is made at most"
            + " once however often it is retried.",
        request);
  }

  private static ResponseEntity<Object> unavailable(
      String code, String detail, HttpServletRequest request) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", "1")
        .body(
            ProblemDetailsAdvice.withInstance(
                Problems.of(HttpStatus.SERVICE_UNAVAILABLE, code, detail, List.of()), request));
  }
}
