package io.containercloud.gateway.web;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.Problems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes problem details straight to a reactive response (used outside any controller). */
@Component
class ProblemWriter {

  private final JsonMapper mapper;

  ProblemWriter(JsonMapper mapper) {
    this.mapper = mapper;
  }

  Mono<Void> write(
      ServerWebExchange exchange,
      HttpStatusCode status,
      String detail,
      List<FieldViolation> violations) {
    return write(exchange, status, Problems.codeFor(status), detail, violations);
  }

  Mono<Void> write(
      ServerWebExchange exchange,
      HttpStatusCode status,
      String code,
      String detail,
      List<FieldViolation> violations) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    ProblemDetail problem = Problems.of(status, code, detail, violations);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType().toString());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    body.put("instance", exchange.getRequest().getPath().value());
    body.putAll(problem.getProperties());
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    DataBuffer buffer = response.bufferFactory().wrap(mapper.writeValueAsBytes(body));
    return response.writeWith(Mono.just(buffer));
  }
}
