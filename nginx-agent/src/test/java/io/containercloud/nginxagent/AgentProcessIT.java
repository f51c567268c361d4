package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.nginx.NginxKeys;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent as its own process (the packaged jar): killed with SIGKILL, frozen during compaction.
 */
class AgentProcessIT {

  private static final String HOST = "127.0.0.21";

  private final Client etcd =
      Client.builder().endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT)).build();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<HttpServer> backends = new ArrayList<>();
  private String cluster;
  private int port;
  private int backendA;
  private int backendB;
  private Path prefix;
  private Process agent;

  @BeforeEach
  void aClusterAndItsAgent() throws Exception {
    cluster = "proc-" + UUID.randomUUID().toString().substring(0, 8);
    port = freePort();
    backendA = backend("A");
    backendB = backend("B");
    prefix = Files.createTempDirectory("nginx-agent-proc");
    put(NginxKeys.cluster(cluster), clusterJson());
    put(NginxKeys.upstreams(cluster) + "shop", upstreamJson(backendA));
    put(NginxKeys.servers(cluster) + "shop", serverJson());
    agent = startAgent();
    awaitAnswer("A");
  }

  @AfterEach
  void stopEverything() {
    if (agent != null) {
      agent.destroyForcibly();
    }
    new NginxProcess(Path.of("/usr/sbin/nginx"), prefix).stop();
    backends.forEach(b -> b.stop(0));
    etcd.close();
  }

  @Test
  void killedMidBurstItLeavesAValidConfigurationAndConvergesWhenRestarted() throws Exception {
    for (int i = 0; i < 400; i++) {
      put(NginxKeys.upstreams(cluster) + "shop", upstreamJson(i % 2 == 0 ? backendB : backendA));
      if (i == 200) {
        agent.destroyForcibly(); // SIGKILL, wherever it is in an apply
        agent.waitFor();
      }
    }
    put(NginxKeys.upstreams(cluster) + "shop", upstreamJson(backendB));

    NginxProcess nginx = new NginxProcess(Path.of("/usr/sbin/nginx"), prefix);
    assertThat(nginx.test(nginx.config())).as("the file in place passes nginx -t").isEmpty();
    assertThat(get()).as("nginx serves on without its agent").isIn("A", "B");

    agent = startAgent();
    awaitAnswer("B");
  }

  @Test
  void compactedPastItsRevisionWhileFrozenItReadsAFreshSnapshot() throws Exception {
    ProcessHandle handle = agent.toHandle();
    signal("STOP", handle.pid());
    try {
      put(NginxKeys.upstreams(cluster) + "shop", upstreamJson(backendB));
      for (int i = 0; i < 20; i++) {
        put("/nginx/v1/changes/unrelated-" + cluster, "x" + i);
      }
      long latest = etcd.getKVClient().get(bytes("/")).get().getHeader().getRevision();
      etcd.getKVClient().compact(latest).get();
      LocalInfra.stop("etcd", LocalInfra.ETCD_PORT); // the agent's watch breaks while it is frozen
      LocalInfra.start("etcd");
    } finally {
      signal("CONT", handle.pid());
    }

    awaitAnswer("B");
  }

  private Process startAgent() throws IOException {
    File jar =
        Files.list(Path.of("target"))
            .filter(p -> p.getFileName().toString().matches("nginx-agent-.*\\.jar"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("package the agent first"))
            .toFile();
    return new ProcessBuilder(
            "java",
            "-Xmx128m",
            "-jar",
            jar.getAbsolutePath(),
            "--server.port=0",
            "--platform.security.jwks-uri=http://127.0.0.1:1/jwks",
            "--platform.etcd.endpoints=http://127.0.0.1:" + LocalInfra.ETCD_PORT,
            "--platform.nginx-agent.cluster=" + cluster,
            "--platform.nginx-agent.host-id=proc-1",
            "--platform.nginx-agent.prefix=" + prefix,
            "--platform.nginx-agent.listen-address=" + HOST,
            "--platform.nginx-agent.reload-interval=100ms")
        .redirectErrorStream(true)
        .redirectOutput(prefix.resolve("agent.log").toFile())
        .start();
  }

  private static void signal(String signal, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor())
        .isZero();
  }

  private void awaitAnswer(String body) {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> body.equals(get()));
  }

  private String get() throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String clusterJson() {
    return """
        {"name":"%s","flavour":"nginx","version":"1.22.1","templateSet":"standard",
         "defaults":{"httpPort":80,"httpsPort":443}}"""
        .formatted(cluster);
  }

  private static String upstreamJson(int backendPort) {
    return """
        {"name":"shop","tenant":"tenant-a","balance":"round-robin","active":"vm",
         "vm":{"members":[{"host":"127.0.0.1","port":%d}]},
         "healthCheck":{"interval":"1s","rise":1,"fall":2,"timeout":"1s","path":"/",
                        "expectedStatuses":[200]}}"""
        .formatted(backendPort);
  }

  private String serverJson() {
    return """
        {"name":"shop","tenant":"tenant-a","serverNames":["shop.example.com"],
         "listen":[{"port":%d}],"locations":[{"path":"/","match":"prefix","upstream":"shop"}]}"""
        .formatted(port);
  }

  private void put(String key, String value) throws Exception {
    etcd.getKVClient().put(bytes(key), bytes(value)).get();
  }

  private int backend(String answer) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
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
    backends.add(server);
    return server.getAddress().getPort();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
