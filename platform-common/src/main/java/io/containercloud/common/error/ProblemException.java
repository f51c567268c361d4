package io.containercloud.common.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A refusal a service answers with RFC 9457 problem details: its HTTP status, a stable {@code code}
 * (also the last segment of the {@code type} URI) and, for bad input, the fields.
 *
 * <p>Throw it from any layer; the shared advice turns it into the response. Use the named factories
 * so the same situation always carries the same status and code.
 */
public final class ProblemException extends RuntimeException {

  private final HttpStatus status;
  private final String code;
  private final List<FieldViolation> violations;
  private final Map<String, Object> properties;

  private ProblemException(
      HttpStatus status, String code, String detail, List<FieldViolation> violations) {
    this(status, code, detail, violations, Map.of());
  }

  private ProblemException(
      HttpStatus status,
      String code,
      String detail,
      List<FieldViolation> violations,
      Map<String, Object> properties) {
    super(detail);
    this.status = status;
    this.code = code;
    this.violations = List.copyOf(violations);
    // in the order given, and a member may be null (JSON null: "none")
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** 400: the request is malformed; names each offending field. */
  public static ProblemException invalid(List<FieldViolation> violations) {
    return new ProblemException(
        HttpStatus.BAD_REQUEST, "validation-failed", "The request has invalid fields.", violations);
  }

  /** 400 for one field. */
  public static ProblemException invalid(String field, String reason) {
    return invalid(List.of(new FieldViolation(field, reason)));
  }

  /** 404: the named object does not exist (or is not visible to the caller). */
  public static ProblemException notFound(String what, String id) {
    return new ProblemException(
        HttpStatus.NOT_FOUND, "not-found", what + " '" + id + "' does not exist.", List.of());
  }

  /** 409: the request conflicts with the current state (a stale version, a duplicate name). */
  public static ProblemException conflict(String code, String detail) {
    return new ProblemException(HttpStatus.CONFLICT, code, detail, List.of());
  }

  /** 409 with extension members naming what it conflicts with (the operation in the way). */
  public static ProblemException conflict(
      String code, String detail, Map<String, Object> properties) {
    return new ProblemException(HttpStatus.CONFLICT, code, detail, List.of(), properties);
  }

  /** 422: well-formed, but cannot be done (for example no cluster has room for it). */
  public static ProblemException unprocessable(
      String code, String detail, List<FieldViolation> violations) {
    return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, code, detail, violations);
  }

  /**
   * 422 with members of its own beside the standard ones (RFC 9457 extension members), for what a
   * client acts on without parsing the detail.
   */
  public static ProblemException unprocessable(
      String code, String detail, List<FieldViolation> violations, Map<String, Object> properties) {
    return new ProblemException(
        HttpStatus.UNPROCESSABLE_CONTENT, code, detail, violations, properties);
  }

  /**
   * 422: the request would change a field that is fixed once the object exists (its name, for
   * example); refused rather than silently ignored, so the caller learns the change did not happen.
   *
   * @param field the field as the client sent it
   * @param current its stored value
   */
  public static ProblemException immutable(String field, String current) {
    return new ProblemException(
        HttpStatus.UNPROCESSABLE_CONTENT,
        "immutable-field",
        "Field '" + field + "' cannot be changed; it is '" + current + "'.",
        List.of(new FieldViolation(field, "cannot be changed from '" + current + "'")));
  }

  /**
   * 400 naming each member of a request body that the request does not have (collected with
   * {@code @JsonAnySetter}): a field the service would silently ignore, the caller should know of.
   */
  public static void requireKnownFields(Map<String, Object> unknown) {
    if (unknown != null && !unknown.isEmpty()) {
      throw invalid(
          unknown.keySet().stream()
              .sorted()
              .map(field -> new FieldViolation(field, "is not a field of this request"))
              .toList());
    }
  }

  /**
   * 401: a caller outside the platform's tokens (a registry's webhook, say) did not prove who it
   * is.
   */
  public static ProblemException unauthorized(String detail) {
    return new ProblemException(HttpStatus.UNAUTHORIZED, "unauthorized", detail, List.of());
  }

  /** 403: the caller may not do this. */
  public static ProblemException forbidden(String detail) {
    return new ProblemException(HttpStatus.FORBIDDEN, "forbidden", detail, List.of());
  }

  /** 428: a change needs the {@code If-Match} of the version the caller read. */
  public static ProblemException preconditionRequired(String detail) {
    return new ProblemException(
        HttpStatus.PRECONDITION_REQUIRED,
        "precondition-required",
        detail,
        List.of(new FieldViolation("If-Match", "is required")));
  }

  /** 503: a server this service needs did not answer; nothing was changed. */
  public static ProblemException unavailable(String code, String detail, Throwable cause) {
    ProblemException problem =
        new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, code, detail, List.of());
    problem.initCause(cause);
    return problem;
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  /** Extension members of the problem, none for most. */
  public Map<String, Object> properties() {
    return properties;
  }
}
