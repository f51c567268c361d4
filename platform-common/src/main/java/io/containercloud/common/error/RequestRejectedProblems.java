package io.containercloud.common.error;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request Spring Security's firewall refuses (a {@code ;}, an encoded slash, {@code ..}, a
 * control character in the path) gets 400 problem details like every other error, not an empty
 * body. It happens in a filter, before any controller advice.
 */
final class RequestRejectedProblems implements RequestRejectedHandler {

  private static final Logger log = LoggerFactory.getLogger(RequestRejectedProblems.class);

  private final JsonMapper mapper;

  RequestRejectedProblems(JsonMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    log.debug("request rejected: {}", e.getMessage());
    if (response.isCommitted()) {
      return;
    }
    HttpStatus status = HttpStatus.BAD_REQUEST;
    ProblemDetail problem =
        ProblemDetailsAdvice.withInstance(
            Problems.of(status, "request-rejected", e.getMessage(), List.of()), request);
    // written by hand: outside MVC, no message converter adds ProblemDetail's JSON mix-in
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType().toString());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    body.put("instance", problem.getInstance() == null ? null : problem.getInstance().toString());
    body.putAll(problem.getProperties());
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    mapper.writeValue(response.getOutputStream(), body);
  }
}
