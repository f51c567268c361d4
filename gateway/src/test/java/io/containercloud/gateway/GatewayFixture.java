package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.error.ProblemInstance;
import io.containercloud.common.testing.ServiceContract;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the gateway tests share: a stub backend routed as service {@code echo}, a PEM signing key
 * made the way scripts/platform.sh makes one, and login over HTTP. The backend answers 201 to a
 * POST and 200 otherwise; {@code /slow...} after 3 s, {@code /broken...} never (it hangs up),
 * {@code /trickle...} at once but with the second half of its body 1.5 s after the first, and
 * {@code /problem/<status>/...} with problem details as a platform service would.
 */
final class GatewayFixture {

  /** What the backend saw last: request line, then headers, then the body. */
  static final AtomicReference<String> lastBackendRequest = new AtomicReference<>();

  /** Requests the backend got per {@code /flaky/<failures>/<key>} path. */
  static final Map<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();

  static final String CONSOLE = "https://console.example.com";
  private static final HttpServer BACKEND = startBackend();
  private static final String KEY_FILE = pkcs8KeyFile();

  private GatewayFixture() {}

  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "platform.gateway.services.echo",
        () -> "http://127.0.0.1:" + BACKEND.getAddress().getPort());
    registry.add("platform.gateway.hooks.echo", () -> "/incoming/git");
    registry.add("platform.gateway.signing-key", () -> KEY_FILE);
    registry.add("platform.gateway.cors-origins[0]", () -> CONSOLE);
  }

  static String login(int port, String user, String password) {
    HttpResponse<String> response =
        postLogin(port, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
  }

  static HttpResponse<String> postLogin(int port, String json) {
    return ServiceContract.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private static String pkcs8KeyFile() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String base64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
      Path file = Files.createTempFile("gateway-signing-key", ".pem");
      Files.writeString(
          file, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
      return file.toString();
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An answer read off a raw connection: status, headers (lower-case names) and body. */
  record RawResponse(int status, Map<String, String> headers, String body) {}

  /**
   * Sends {@code requestLine} and {@code headers} as they are (a Java client would refuse or
   * normalise much of what the firewall tests send) and reads the answer until the gateway closes.
   */
  static RawResponse raw(int port, String requestLine, String... headers) {
    StringBuilder request = new StringBuilder(requestLine).append("\r\n");
    request.append("Host: 127.0.0.1\r\nConnection: close\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      assertThat(end).as(answer).isPositive();
      String[] head = answer.substring(0, end).split("\r\n");
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        fields.put(
            head[i].substring(0, colon).toLowerCase(Locale.ROOT),
            head[i].substring(colon + 1).trim());
      }
      return new RawResponse(
          Integer.parseInt(head[0].split(" ")[1]), fields, answer.substring(end + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads one response of a kept-alive connection from {@code in} (a body by length or in chunks)
   * and returns its status.
   */
  static int readStatus(InputStream in) throws IOException {
    List<String> head = new ArrayList<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      head.add(line);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : head.subList(1, head.size())) {
      int colon = field.indexOf(':');
      fields.put(
          field.substring(0, colon).toLowerCase(Locale.ROOT), field.substring(colon + 1).trim());
    }
    if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
      for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
        in.readNBytes(size + 2); // the chunk and its CRLF
      }
      readLine(in); // no trailers
    } else {
      in.readNBytes(Integer.parseInt(fields.getOrDefault("content-length", "0")));
    }
    return Integer.parseInt(head.get(0).split(" ")[1]);
  }

  private static int chunkSize(InputStream in) throws IOException {
    return Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
  }

  /** Reads a request's or answer's head, up to its empty line. */
  static void readHead(InputStream in) throws IOException {
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      // a field
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // a slow service, on purpose
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@code /problem/<status>/...}: answers that status as a platform service does, its {@code
   * instance} by platform-common's rule from the path and the {@code X-Forwarded-Prefix} the
   * gateway sent.
   */
  private static void answerProblem(HttpExchange exchange, String path) throws IOException {
    int status = Integer.parseInt(path.split("/")[2]);
    String instance =
        ProblemInstance.of(
            exchange.getRequestHeaders().getFirst(ProblemInstance.PREFIX_HEADER), "", path);
    byte[] body =
        ("{\"type\":\"https://containercloud.io/problems/stub\",\"title\":\"Stub\",\"status\":"
                + status
                + ",\"detail\":\"stub\",\"instance\":\""
                + instance
                + "\",\"code\":\"stub\"}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static HttpServer startBackend() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            StringBuilder seen =
                new StringBuilder(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
            exchange
                .getRequestHeaders()
                .forEach(
                    (name, values) ->
                        seen.append(name.toLowerCase())
                            .append(": ")
                            .append(String.join(",", values))
                            .append('\n'));
            seen.append('\n')
                .append(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            lastBackendRequest.set(seen.toString());
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/slow")) {
              sleep(3_000);
            }
            if (path.startsWith("/broken")) {
              exchange.close(); // the request was read; hang up without an answer
              return;
            }
            if (path.startsWith("/trickle")) {
              exchange.sendResponseHeaders(200, 0); // chunked
              try (OutputStream out = exchange.getResponseBody()) {
                out.write("first half, ".getBytes(StandardCharsets.UTF_8));
                out.flush();
                sleep(1_500);
                out.write("second half".getBytes(StandardCharsets.UTF_8));
              }
              return;
            }
            if (path.startsWith("/problem/")) {
              answerProblem(exchange, path);
              return;
            }
            if (path.startsWith("/flaky/")) { // 502 to the first <failures> calls, then as usual
              int call =
                  flakyCalls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
              if (call <= Integer.parseInt(path.split("/")[2])) {
                exchange.sendResponseHeaders(502, -1);
                exchange.close();
                return;
              }
            }
            int status = exchange.getRequestMethod().equals("POST") ? 201 : 200;
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            // as every service does (platform-common's correlation filter)
            String correlation = exchange.getRequestHeaders().getFirst("X-Correlation-Id");
            if (correlation != null) {
              exchange.getResponseHeaders().set("X-Correlation-Id", correlation);
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
