package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An nginx host of the e2e tests as its operator sees it: requests to its address, its processes,
 * and the admin socket of its Lua balancer (what the agent pushed), read with curl as a person
 * would.
 */
final class NginxHost {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** An answer of the admin socket. */
  record Answer(int status, String body) {}

  final Path prefix;
  final String address;

  NginxHost(Path prefix, String address) {
    this.prefix = prefix;
    this.address = address;
  }

  /** A GET of {@code path} on {@code port} of this host. */
  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path))
            .timeout(Duration.ofSeconds(3))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** How many of {@code requests} GETs of {@code path} each body answered. */
  Map<String, Integer> answered(int port, String path, int requests) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      counts.merge(get(port, path).body(), 1, Integer::sum);
    }
    return counts;
  }

  /** A request to the admin socket: {@code /upstreams} or {@code /upstreams/<name>}. */
  Answer balancer(String method, String path, String json) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "-w",
                "\n%{http_code}",
                "-X",
                method,
                "--unix-socket",
                prefix.resolve("run/admin.sock").toString()));
    if (json != null) {
      command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", json));
    }
    command.add("http://nginx-agent" + path);
    Process curl = new ProcessBuilder(command).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as("curl " + method + " " + path).isZero();
    int newline = out.lastIndexOf('\n');
    return new Answer(Integer.parseInt(out.substring(newline + 1)), out.substring(0, newline));
  }

  /** What the balancer holds for {@code upstream}: its version and members, as JSON. */
  String held(String upstream) throws Exception {
    Answer answer = balancer("GET", "/upstreams/" + upstream, null);
    assertThat(answer.status()).as("GET /upstreams/" + upstream + ": " + answer).isEqualTo(200);
    return answer.body();
  }

  /** nginx's master PID, from its pid file. */
  long master() throws IOException {
    return Long.parseLong(Files.readString(prefix.resolve("logs/nginx.pid")).trim());
  }

  /** nginx's master and worker PIDs: a reload starts new workers, a restart a new master. */
  List<Long> pids() throws IOException {
    long master = master();
    List<Long> pids = new ArrayList<>(List.of(master));
    ProcessHandle.of(master).orElseThrow().children().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /**
   * An nginx cluster {@code name} of OSS nginx with the standard templates, as nginx-mgr takes it.
   */
  static String clusterJson(String name) {
    return """
        {"name":"%s","flavour":"nginx","version":"1.22.1","templateSet":"standard",
         "defaults":{"httpPort":80,"httpsPort":443}}"""
        .formatted(name);
  }

  /** A backend on loopback answering {@code answer} to everything. */
  static HttpServer backend(String answer) throws IOException {
    return backend(new InetSocketAddress("127.0.0.1", 0), local -> answer);
  }

  /**
   * A backend on {@code address} whose answer is made from the local address each request came to:
   * bound to the wildcard address, it answers for every loopback address (kube-sim's pods).
   */
  static HttpServer backend(InetSocketAddress address, Function<InetSocketAddress, String> answer)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = answer.apply(exchange.getLocalAddress()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }

  /** A client sending requests to {@code port} of this host until closed. */
  Client client(int port) {
    return new Client(this, port);
  }

  /**
   * Requests through nginx, one after the other, until closed; counts those that failed and keeps
   * the answers. Checks of what nginx serves read these answers instead of sending their own: two
   * clients in lockstep over a round robin would each see only some of the members.
   */
  static final class Client implements AutoCloseable {

    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private final List<String> answers = new ArrayList<>(); // guarded by itself
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private Client(NginxHost nginx, int port) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  sent.incrementAndGet();
                  try {
                    HttpResponse<String> answer = nginx.get(port, "/");
                    if (answer.statusCode() != 200) {
                      failed.incrementAndGet();
                    }
                    synchronized (answers) {
                      answers.add(answer.body());
                    }
                  } catch (IOException e) {
                    failed.incrementAndGet();
                    pause(); // nginx away: no busy loop on two cores
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      thread.start();
    }

    /**
     * Waits until the answers since this call, three rounds over the members at least, end with
     * three rounds that reached exactly {@code expected}.
     */
    void awaitAnswers(Set<String> expected) {
      int from;
      synchronized (answers) {
        from = answers.size();
      }
      int rounds = 3 * expected.size() + 3;
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                synchronized (answers) {
                  return answers.size() - from >= rounds
                      && Set.copyOf(answers.subList(answers.size() - rounds, answers.size()))
                          .equals(expected);
                }
              });
    }

    private static void pause() {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
