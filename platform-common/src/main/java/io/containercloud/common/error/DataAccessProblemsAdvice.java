package io.containercloud.common.error;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Database errors worth retrying, for services with a database (ahead of the catch-all 500). */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class DataAccessProblemsAdvice {

  private static final Logger log = LoggerFactory.getLogger(DataAccessProblemsAdvice.class);

  /** A deadlock or lock timeout: nothing was changed, and the same request may well succeed. */
  @ExceptionHandler(TransientDataAccessException.class)
  ResponseEntity<Object> handleTransient(TransientDataAccessException e) {
    log.warn("transient database failure: {}", e.getMostSpecificCause().getMessage());
    HttpStatus status = HttpStatus.SERVICE_UNAVAILABLE;
    return ResponseEntity.status(status)
        .header("Retry-After", "1")
        .body(
            Problems.of(
                status,
                "retry",
                "A concurrent change got in the way; nothing was changed. Retry.",
                List.of()));
  }
}
