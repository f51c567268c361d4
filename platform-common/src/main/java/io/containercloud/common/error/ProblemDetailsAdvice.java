package io.containercloud.common.error;

import jakarta.validation.ConstraintViolationException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * Turns every error a servlet service raises into problem details: Spring MVC's own (unknown path,
 * wrong method, malformed JSON, failed bean validation) and the platform's {@link
 * ProblemException}. Unexpected exceptions become a 500 without internals.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(ProblemException.class)
  ResponseEntity<Object> handleProblem(ProblemException e) {
    return ResponseEntity.status(e.status())
        .body(Problems.of(e.status(), e.code(), e.getMessage(), e.violations()));
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException e) {
    List<FieldViolation> violations =
        e.getConstraintViolations().stream()
            .map(v -> new FieldViolation(v.getPropertyPath().toString(), v.getMessage()))
            .sorted(Comparator.comparing(FieldViolation::field))
            .toList();
    return handleProblem(ProblemException.invalid(violations));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> handleUnexpected(Exception e) {
    log.error("unhandled error", e);
    HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
    return ResponseEntity.status(status)
        .body(
            Problems.of(
                status, "internal-error", "The service failed to handle the request.", List.of()));
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldViolation> violations =
        e.getBindingResult().getFieldErrors().stream()
            .map(f -> new FieldViolation(f.getField(), f.getDefaultMessage()))
            .sorted(Comparator.comparing(FieldViolation::field))
            .toList();
    return handleProblem(ProblemException.invalid(violations));
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldViolation> violations =
        e.getParameterValidationResults().stream()
            .flatMap(
                r ->
                    r.getResolvableErrors().stream()
                        .map(
                            err ->
                                new FieldViolation(
                                    r.getMethodParameter().getParameterName(),
                                    err.getDefaultMessage())))
            .toList();
    return handleProblem(ProblemException.invalid(violations));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail body =
        Problems.of(
            status,
            "malformed-body",
            "The request body is not valid JSON of the expected shape.",
            fieldOf(e)
                .map(field -> List.of(new FieldViolation(field, "has the wrong type or shape")))
                .orElse(List.of()));
    return ResponseEntity.status(status).headers(headers).body(body);
  }

  /** Where in the body Jackson gave up, as {@code a.b[0].c}, when it says. */
  private static Optional<String> fieldOf(HttpMessageNotReadableException e) {
    if (!(e.getCause() instanceof DatabindException databind) || databind.getPath().isEmpty()) {
      return Optional.empty();
    }
    StringBuilder field = new StringBuilder();
    for (JacksonException.Reference reference : databind.getPath()) {
      if (reference.getPropertyName() != null) {
        field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        field.append('[').append(reference.getIndex()).append(']');
      }
    }
    return field.isEmpty() ? Optional.empty() : Optional.of(field.toString());
  }

  /** Spring's own errors keep their status and detail and gain the platform's type and code. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body == null && e instanceof ErrorResponse response) {
      body = response.getBody();
    }
    if (body instanceof ProblemDetail problem
        && (problem.getProperties() == null || !problem.getProperties().containsKey("code"))) {
      String detail = problem.getDetail() != null ? problem.getDetail() : problem.getTitle();
      body = Problems.of(status, Problems.codeFor(status), detail, List.of());
    }
    return super.handleExceptionInternal(e, body, headers, status, request);
  }
}
