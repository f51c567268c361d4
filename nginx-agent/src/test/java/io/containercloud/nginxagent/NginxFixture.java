package io.containercloud.nginxagent;

import com.sun.net.httpserver.HttpServer;
import io.etcd.jetcd.ByteSequence;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What the agent tests and the benchmark share: objects in the etcd layout, backends, ports. */
final class NginxFixture {

  private NginxFixture() {}

  static String clusterJson(String cluster) {
    return """
        {"name":"%s","flavour":"nginx","version":"1.22.1","templateSet":"standard",
         "defaults":{"httpPort":80,"httpsPort":443}}"""
        .formatted(cluster);
  }

  /** Upstream {@code name} of VM members on loopback at these ports. */
  static String upstreamJson(String name, int... ports) {
    String members =
        Arrays.stream(ports)
            .mapToObj(p -> "{\"host\":\"127.0.0.1\",\"port\":" + p + "}")
            .collect(Collectors.joining(","));
    return """
        {"name":"%s","tenant":"tenant-a","balance":"round-robin","active":"vm",
         "vm":{"members":[%s]},
         "healthCheck":{"interval":"500ms","rise":1,"fall":2,"timeout":"1s","path":"/",
                        "expectedStatuses":[200]}}"""
        .formatted(name, members);
  }

  /** Server {@code shop} on this port, everything to upstream {@code shop}. */
  static String serverJson(int port) {
    return """
        {"name":"shop","tenant":"tenant-a","serverNames":["shop.example.com"],
         "listen":[{"port":%d}],"locations":[{"path":"/","match":"prefix","upstream":"shop"}]}"""
        .formatted(port);
  }

  /** A backend on loopback answering {@code answer} to everything (port 0: any free one). */
  static HttpServer backend(int port, String answer) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
