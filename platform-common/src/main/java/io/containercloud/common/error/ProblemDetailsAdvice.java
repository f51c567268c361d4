package io.containercloud.common.error;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.util.UriUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * Turns every error a servlet service raises into problem details: Spring MVC's own (unknown path,
 * wrong method, malformed JSON, failed bean validation) and the platform's {@link
 * ProblemException}. Unexpected exceptions become a 500 without internals. Each problem's {@code
 * instance} is the path the caller used ({@link ProblemInstance}), also behind the gateway.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(ProblemException.class)
  ResponseEntity<Object> handleProblem(ProblemException e, HttpServletRequest request) {
    ProblemDetail problem = Problems.of(e.status(), e.code(), e.getMessage(), e.violations());
    e.properties().forEach(problem::setProperty);
    return ResponseEntity.status(e.status()).body(withInstance(problem, request));
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<Object> handleConstraintViolation(
      ConstraintViolationException e, HttpServletRequest request) {
    List<FieldViolation> violations =
        e.getConstraintViolations().stream()
            .map(v -> new FieldViolation(v.getPropertyPath().toString(), v.getMessage()))
            .sorted(Comparator.comparing(FieldViolation::field))
            .toList();
    return handleProblem(ProblemException.invalid(violations), request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> handleUnexpected(Exception e, HttpServletRequest request) {
    log.error("unhandled error", e);
    HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
    return ResponseEntity.status(status)
        .body(
            withInstance(
                Problems.of(
                    status,
                    "internal-error",
                    "The service failed to handle the request.",
                    List.of()),
                request));
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
    return handleProblem(ProblemException.invalid(violations), servletRequest(request));
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
    return handleProblem(ProblemException.invalid(violations), servletRequest(request));
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
    return ResponseEntity.status(status)
        .headers(headers)
        .body(withInstance(body, servletRequest(request)));
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
    if (body instanceof ProblemDetail problem) {
      body = withInstance(problem, servletRequest(request));
    }
    return super.handleExceptionInternal(e, body, headers, status, request);
  }

  /**
   * Sets the caller's path as {@code instance} (Spring would otherwise set the service's own path,
   * or, after ForwardedHeaderFilter, whatever prefix the request claimed).
   */
  static ProblemDetail withInstance(ProblemDetail problem, HttpServletRequest request) {
    if (request == null) {
      return problem;
    }
    String path =
        ProblemInstance.of(
            request.getHeader(ProblemInstance.PREFIX_HEADER),
            request.getContextPath(),
            request.getRequestURI());
    try {
      problem.setInstance(new URI(path));
    } catch (URISyntaxException e) {
      problem.setInstance(URI.create(UriUtils.encodePath(path, StandardCharsets.UTF_8)));
    }
    return problem;
  }

  private static HttpServletRequest servletRequest(WebRequest request) {
    return request instanceof NativeWebRequest nativeRequest
        ? nativeRequest.getNativeRequest(HttpServletRequest.class)
        : null;
  }
}
