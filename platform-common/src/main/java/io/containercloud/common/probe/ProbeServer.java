package io.containercloud.common.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The actuator's health groups and Prometheus metrics on the JDK's HTTP server, at the paths a
 * servlet service serves them ({@code /actuator/health[/group]}, {@code /actuator/prometheus}), for
 * host daemons that serve no API: a servlet stack with security and OpenAPI costs such a daemon
 * about a third of its memory. Every other path or method is a problem-details 404 or 405.
 */
public final class ProbeServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProbeServer.class);
  private static final String HEALTH = "/actuator/health";
  private static final String PROMETHEUS = "/actuator/prometheus";
  private static final Pattern GROUP_PATH = Pattern.compile("(/[a-z0-9-]{1,64}){1,2}");
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HealthEndpoint health;
  private final PrometheusMeterRegistry metrics;
  private final JsonMapper json;
  private final HttpServer server;
  private final ExecutorService executor;

  ProbeServer(
      ProbeServerProperties properties,
      HealthEndpoint health,
      PrometheusMeterRegistry metrics,
      JsonMapper json) {
    this.health = health;
    this.metrics = metrics;
    this.json = json;
    try {
      server =
          HttpServer.create(new InetSocketAddress(properties.address(), properties.port()), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind probes to " + properties.address() + ":" + properties.port(), e);
    }
    // one thread: probes and scrapes are rare, and a slow health check must not multiply threads
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "probes");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    log.info("probes and metrics on port {}", port());
  }

  /** The bound port (the chosen one when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean known = path.equals(PROMETHEUS) || path.equals(HEALTH) || group(path) != null;
      if (!known) {
        problem(exchange, 404, "not-found", "Not Found");
      } else if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        problem(exchange, 405, "method-not-allowed", "Method Not Allowed");
      } else if (path.equals(PROMETHEUS)) {
        send(exchange, 200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8));
      } else {
        HealthDescriptor descriptor =
            path.equals(HEALTH) ? health.health() : health.healthForPath(group(path));
        if (descriptor == null) {
          problem(exchange, 404, "not-found", "Not Found");
          return;
        }
        int status = HttpCodeStatusMapper.DEFAULT.getStatusCode(descriptor.getStatus());
        send(exchange, status, "application/json", json.writeValueAsBytes(descriptor));
      }
    } catch (RuntimeException e) {
      log.warn("probe request failed", e);
      throw e;
    }
  }

  /** The health path's segments after {@code /actuator/health}, or null when it has none. */
  private static String[] group(String path) {
    String rest = path.startsWith(HEALTH) ? path.substring(HEALTH.length()) : "";
    return GROUP_PATH.matcher(rest).matches() ? rest.substring(1).split("/") : null;
  }

  private static void problem(HttpExchange exchange, int status, String code, String title)
      throws IOException {
    String body =
        "{\"type\":\"https://containercloud.io/problems/%s\",\"title\":\"%s\",\"status\":%d,\"code\":\"%s\"}"
            .formatted(code, title, status, code);
    send(exchange, status, "application/problem+json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
