package io.containercloud.common.error;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Builds the platform's problem details: {@code type} is a stable URI ending in the {@code code},
 * which clients switch on; {@code errors} lists offending fields when there are any.
 */
public final class Problems {

  /** Prefix of every problem {@code type}. */
  public static final String TYPE_PREFIX = "https://containercloud.io/problems/";

  private Problems() {}

  public static ProblemDetail of(
      HttpStatusCode status, String code, String detail, List<FieldViolation> violations) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(TYPE_PREFIX + code));
    problem.setProperty("code", code);
    if (!violations.isEmpty()) {
      problem.setProperty("errors", violations);
    }
    return problem;
  }

  /** The code used when nothing more specific is known: derived from the status. */
  public static String codeFor(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> "bad-request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 406 -> "not-acceptable";
      case 409 -> "conflict";
      case 413 -> "payload-too-large";
      case 415 -> "unsupported-media-type";
      case 422 -> "unprocessable";
      case 429 -> "too-many-requests";
      case 503 -> "unavailable";
      default -> status.is5xxServerError() ? "internal-error" : "error-" + status.value();
    };
  }
}
