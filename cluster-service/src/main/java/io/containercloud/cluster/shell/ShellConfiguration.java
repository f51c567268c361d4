package io.containercloud.cluster.shell;

import io.containercloud.cluster.registry.ClusterClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web shell's endpoint, {@code /shell/{cluster}/{namespace}/{pod}?container=}, admitted by
 * {@link ShellAdmission}. Any origin may connect: authentication is by token, never by cookie, so a
 * foreign page cannot ride on a user's session.
 */
@Configuration
@EnableWebSocket
class ShellConfiguration implements WebSocketConfigurer {

  private final ShellHandler handler;
  private final ClusterClients clients;
  private final ShellProperties properties;
  private final JsonMapper json;

  ShellConfiguration(
      ShellHandler handler, ClusterClients clients, ShellProperties properties, JsonMapper json) {
    this.handler = handler;
    this.clients = clients;
    this.properties = properties;
    this.json = json;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry
        .addHandler(handler, ShellAdmission.PATH)
        .addInterceptors(
            new ShellAdmission(cluster -> clients.registered().contains(cluster), json))
        .setAllowedOrigins("*");
  }

  /** Idle sessions end; typed input is bounded. */
  @Bean
  ServletServerContainerFactoryBean webSocketContainer() {
    ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
    container.setMaxSessionIdleTimeout(properties.idleTimeout().toMillis());
    container.setMaxTextMessageBufferSize(properties.maxMessage());
    return container;
  }
}
