package io.containercloud.nginxagent;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.crypto.SecretCipher;
import io.containercloud.common.testing.TestCertificates;
import io.containercloud.nginx.model.ManagedCertificate;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxagent.agent.Agent;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.containercloud.nginxagent.nginx.NginxControl;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import jakarta.validation.Validation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/** What the agent tests and the benchmark share: objects in the etcd layout, backends, ports. */
final class NginxFixture {

  /** Debian's Lua module for nginx, which scripts/infra.sh installs. */
  /** The agents' push-interval (its default). */
  static final Duration PUSH_INTERVAL = Duration.ofMillis(100);

  static final List<Path> LUA_MODULES =
      List.of(
          Path.of("/usr/lib/nginx/modules/ndk_http_module.so"),
          Path.of("/usr/lib/nginx/modules/ngx_http_lua_module.so"));

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

  /** The certificates key the tests' nginx-mgr and agents share (a test value, not a secret). */
  static final String CERTIFICATES_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  static final SecretCipher CIPHER =
      SecretCipher.fromBase64("platform.nginx-agent.certificates-key", CERTIFICATES_KEY);

  /**
   * A managed certificate as nginx-mgr stores it, with {@code key} sealed for it (a key of another
   * certificate makes a poisoned one that only nginx notices).
   */
  static String certificateJson(
      String cluster, String name, String tenant, TestCertificates.Issued issued, String key) {
    try {
      X509Certificate leaf =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(issued.leaf().getBytes(StandardCharsets.US_ASCII)));
      String fingerprint =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
      String sealed =
          Base64.getEncoder()
              .encodeToString(CIPHER.encrypt(ManagedCertificate.sealedFor(cluster, name), key));
      return JsonMapper.builder()
          .build()
          .writeValueAsString(
              new ManagedCertificate(
                  name,
                  tenant,
                  issued.chain(),
                  sealed,
                  fingerprint,
                  leaf.getNotAfter().toInstant(),
                  List.of()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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

  /** An in-process agent with a real nginx in its own prefix, listening on {@code address}. */
  static Agent startAgent(
      Client etcd, String cluster, String host, String address, Duration interval)
      throws IOException {
    return startAgent(
        etcd, cluster, host, address, interval, Files.createTempDirectory("nginx-agent-" + host));
  }

  /** The same with a given prefix (a restarted host keeps its files). */
  static Agent startAgent(
      Client etcd, String cluster, String host, String address, Duration interval, Path prefix) {
    return startAgent(
        etcd,
        cluster,
        host,
        address,
        interval,
        new NginxProcess(Path.of("/usr/sbin/nginx"), prefix));
  }

  /** The same driving {@code nginx} (a real one, perhaps observed by the test), reloading. */
  static Agent startAgent(
      Client etcd,
      String cluster,
      String host,
      String address,
      Duration interval,
      NginxControl nginx) {
    return startAgent(etcd, cluster, host, address, interval, nginx, "off");
  }

  /** The same, pushing to nginx's Lua balancer when {@code dynamic} is {@code auto}. */
  static Agent startAgent(
      Client etcd,
      String cluster,
      String host,
      String address,
      Duration interval,
      NginxControl nginx,
      String dynamic) {
    Path prefix = nginx.prefix();
    Agent agent =
        new Agent(
            new NginxAgentProperties(
                cluster,
                host,
                Path.of("/usr/sbin/nginx"),
                prefix,
                interval,
                address,
                prefix.resolve("certs"),
                "1",
                Duration.ofSeconds(5),
                true,
                dynamic,
                LUA_MODULES,
                PUSH_INTERVAL),
            etcd,
            JsonMapper.builder().build(),
            Validation.buildDefaultValidatorFactory().getValidator(),
            CIPHER,
            nginx);
    agent.start();
    return agent;
  }

  /** Waits until a GET of / through every address on the port answers {@code body}. */
  static void awaitEveryNginxAnswers(
      HttpClient http, List<String> addresses, int port, String body) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              for (String address : addresses) {
                String answer =
                    http.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://" + address + ":" + port + "/"))
                                .timeout(Duration.ofSeconds(3))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body();
                if (!body.equals(answer)) {
                  return false;
                }
              }
              return true;
            });
  }

  /** The report host {@code host} keeps in etcd for {@code cluster}, or "" when there is none. */
  static String report(Client etcd, String cluster, String host) throws Exception {
    return etcd.getKVClient().get(bytes(NginxKeys.agents(cluster) + host)).get().getKvs().stream()
        .findFirst()
        .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8))
        .orElse("");
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
