package io.containercloud.cluster.shell;

import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriTemplate;

/**
 * The web shell's endpoint, {@code /shell/{cluster}/{namespace}/{pod}?container=}: the handshake is
 * authenticated like any request (bearer token), then checked here: names by allow-list, the
 * namespace within the caller's tenant (platform admins anywhere), a role that may change things, a
 * registered cluster. Any origin may connect: authentication is by token, never by cookie, so a
 * foreign page cannot ride on a user's session.
 */
@Configuration
@EnableWebSocket
class ShellConfiguration implements WebSocketConfigurer {

  private static final String PATH = "/shell/{cluster}/{namespace}/{pod}";
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern POD = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  private final ShellHandler handler;
  private final ClusterClients clients;
  private final ShellProperties properties;

  ShellConfiguration(ShellHandler handler, ClusterClients clients, ShellProperties properties) {
    this.handler = handler;
    this.clients = clients;
    this.properties = properties;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(handler, PATH).addInterceptors(new Admission()).setAllowedOrigins("*");
  }

  /** Idle sessions end; typed input is bounded. */
  @Bean
  ServletServerContainerFactoryBean webSocketContainer() {
    ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
    container.setMaxSessionIdleTimeout(properties.idleTimeout().toMillis());
    container.setMaxTextMessageBufferSize(properties.maxMessage());
    return container;
  }

  private final class Admission implements HandshakeInterceptor {

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
            response,
            HttpStatus.BAD_REQUEST,
            "validation-failed",
            "cluster, namespace and container must be RFC 1123 labels, pod a DNS subdomain");
      }
      Caller caller = Caller.current();
      if (!caller.canSee(namespace) || !clients.registered().contains(cluster)) {
        return refuse(
            response,
            HttpStatus.NOT_FOUND,
            "not-found",
            "Pod '" + pod + "' in " + cluster + "/" + namespace + " does not exist.");
      }
      if (!caller.has(Role.PLATFORM_ADMIN)
          && !caller.has(Role.TENANT_ADMIN)
          && !caller.has(Role.DEVELOPER)) {
        return refuse(
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

    private static boolean refuse(
        ServerHttpResponse response, HttpStatus status, String code, String detail)
        throws IOException {
      response.setStatusCode(status);
      response.getHeaders().set("Content-Type", "application/problem+json");
      response
          .getBody()
          .write(
              ("{\"type\":\"https://containercloud.io/problems/"
                      + code
                      + "\",\"code\":\""
                      + code
                      + "\",\"status\":"
                      + status.value()
                      + ",\"detail\":\""
                      + detail.replace("\"", "'")
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8));
      return false;
    }
  }
}
