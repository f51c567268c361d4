package io.containercloud.common.security;

import io.containercloud.common.error.ProblemInstance;
import io.containercloud.common.error.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/** 401 and 403 as problem details; they happen in filters, before any controller advice. */
final class ProblemSecurityHandlers {

  private final JsonMapper mapper;

  ProblemSecurityHandlers(JsonMapper mapper) {
    this.mapper = mapper;
  }

  AuthenticationEntryPoint unauthorized() {
    return (request, response, e) -> {
      response.setHeader("WWW-Authenticate", "Bearer");
      write(request, response, HttpStatus.UNAUTHORIZED, "A valid access token is required.");
    };
  }

  AccessDeniedHandler forbidden() {
    return (request, response, e) ->
        write(request, response, HttpStatus.FORBIDDEN, "Your roles do not allow this operation.");
  }

  private void write(
      HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    ProblemDetail problem = Problems.of(status, Problems.codeFor(status), detail, List.of());
    // written by hand: outside MVC, no message converter adds ProblemDetail's JSON mix-in
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType().toString());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    body.put(
        "instance",
        ProblemInstance.of(
            request.getHeader(ProblemInstance.PREFIX_HEADER),
            request.getContextPath(),
            request.getRequestURI()));
    body.putAll(problem.getProperties());
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    mapper.writeValue(response.getOutputStream(), body);
  }
}
