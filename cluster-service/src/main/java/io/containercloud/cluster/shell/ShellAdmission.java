package io.containercloud.cluster.shell;

import io.containercloud.common.error.ProblemInstance;
import io.containercloud.common.error.Problems;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a web shell's handshake, which is authenticated like any request (bearer token): names by
 * allow-list, the namespace within the caller's tenant (platform admins anywhere), a role that may
 * change things, a registered cluster. A refusal is answered with problem details like any error.
 */
final class ShellAdmission implements HandshakeInterceptor {

  static final String PATH = "/shell/{cluster}/{namespace}/{pod}";
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern POD = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  private final Predicate<String> registered;
  private final JsonMapper json;

  /**
   * @param registered whether a cluster of that name is registered
   */
  ShellAdmission(Predicate<String> registered, JsonMapper json) {
    this.registered = registered;
    this.json = json;
  }

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler wsHandler,
      Map<String, Object> attributes)
      throws IOException {
    Map<String, String> path = new UriTemplate(PATH).match(request.getURI().getPath());
    String container =
        UriComponentsBuilder.fromUri(request.getURI())
            .build()
            .getQueryParams()
            .getFirst("container");
    String cluster = path.get("cluster");
    String namespace = path.get("namespace");
    String pod = path.get("pod");
    if (!LABEL.matcher(cluster).matches()
        || !LABEL.matcher(namespace).matches()
        || !POD.matcher(pod).matches()
        || (container != null && !LABEL.matcher(container).matches())) {
      return refuse(
          request,
          response,
          HttpStatus.BAD_REQUEST,
          "validation-failed",
          "cluster, namespace and container must be RFC 1123 labels, pod a DNS subdomain");
    }
    Caller caller = Caller.current();
    if (!caller.canSee(namespace) || !registered.test(cluster)) {
      return refuse(
          request,
          response,
          HttpStatus.NOT_FOUND,
          "not-found",
          "Pod '" + pod + "' in " + cluster + "/" + namespace + " does not exist.");
    }
    if (!caller.has(Role.PLATFORM_ADMIN)
        && !caller.has(Role.TENANT_ADMIN)
        && !caller.has(Role.DEVELOPER)) {
      return refuse(
          request,
          response,
          HttpStatus.FORBIDDEN,
          "forbidden",
          "A web shell needs the developer role in the tenant.");
    }
    attributes.put(
        ShellHandler.SESSION,
        new ShellSessions.Session(
            UUID.randomUUID().toString(),
            caller.user(),
            namespace,
            cluster,
            namespace,
            pod,
            container,
            Instant.now(),
            null));
    return true;
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler wsHandler,
      Exception exception) {}

  private boolean refuse(
      ServerHttpRequest request,
      ServerHttpResponse response,
      HttpStatus status,
      String code,
      String detail)
      throws IOException {
    ProblemDetail problem = Problems.of(status, code, detail, List.of());
    // by hand, as the security handlers do: outside MVC no converter adds ProblemDetail's mix-in
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType().toString());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    body.put("instance", instance(request));
    body.putAll(problem.getProperties());
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    response.getBody().write(json.writeValueAsBytes(body));
    return false;
  }

  /** The path the caller used (behind the gateway: with its prefix). */
  private static String instance(ServerHttpRequest request) {
    if (request instanceof ServletServerHttpRequest servlet) {
      HttpServletRequest http = servlet.getServletRequest();
      return ProblemInstance.of(
          http.getHeader(ProblemInstance.PREFIX_HEADER),
          http.getContextPath(),
          http.getRequestURI());
    }
    return ProblemInstance.of(
        request.getHeaders().getFirst(ProblemInstance.PREFIX_HEADER), request.getURI().getPath());
  }
}
