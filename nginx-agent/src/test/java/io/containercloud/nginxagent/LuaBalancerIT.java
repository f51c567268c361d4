package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginx.model.VirtualServer;
import io.containercloud.nginxagent.balance.BalancerFiles;
import io.containercloud.nginxagent.balance.PeerPush;
import io.containercloud.nginxagent.balance.PeerPush.Answer;
import io.containercloud.nginxagent.balance.PeerPush.Member;
import io.containercloud.nginxagent.balance.PeerPush.State;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.containercloud.nginxagent.render.Renderer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Lua balancer in a real nginx with the Lua module: the rendered members serve until a push, a
 * push serves on the next request with no reload (master and worker PIDs unchanged), weights and
 * backups as nginx's own, and the admin server refuses older versions and bad input without a
 * change. After nginx restarts, the rendered members serve again until the next push.
 */
class LuaBalancerIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<HttpServer> backends = new ArrayList<>();
  private NginxProcess nginx;

  @AfterEach
  void stop() {
    if (nginx != null) {
      nginx.stop();
    }
    backends.forEach(b -> b.stop(0));
  }

  @Test
  void pushedMembersServeOnTheNextRequestWithoutAReload() throws Exception {
    int a = backend("A");
    int b = backend("B");
    int c = backend("C");
    int port = freePort();
    Path prefix = Files.createTempDirectory("lua-balancer");
    Renderer renderer =
        new Renderer(new Renderer.HostSettings(prefix, "127.0.0.1", "1", NginxFixture.LUA_MODULES));
    nginx = new NginxProcess(Path.of("/usr/sbin/nginx"), prefix);
    for (String folder : List.of("conf", "logs", "tmp/client_body", "tmp/proxy")) {
      Files.createDirectories(prefix.resolve(folder));
    }
    for (String temp : List.of("fastcgi", "uwsgi", "scgi")) {
      Files.createDirectories(prefix.resolve("tmp").resolve(temp));
    }
    BalancerFiles.install(renderer.luaFolder(), renderer.adminSocket().getParent());
    String text = renderer.render(snapshot(port, a, b), Map.of(), Map.of()).text();
    assertThat(text).contains("balancer_by_lua_block { platform_balancer.balance(\"shop\") }");
    Files.writeString(nginx.config(), text);
    assertThat(nginx.test(nginx.config())).isEmpty();
    nginx.ensureRunning();
    assertThat(Files.getPosixFilePermissions(renderer.adminSocket().getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    // before any push: the rendered members, round robin
    assertThat(answers(port, 10)).isEqualTo(Map.of("A", 5, "B", 5));
    List<Long> pids = pids();

    PeerPush push = new PeerPush(renderer.adminSocket(), JSON);
    assertThat(push.put(shop(state(1, member(c, 1, false)))).status()).isEqualTo(200);
    assertThat(answers(port, 6)).isEqualTo(Map.of("C", 6));

    assertThat(push.put(shop(state(2, member(a, 3, false), member(c, 1, false)))).status())
        .isEqualTo(200);
    assertThat(answers(port, 40)).isEqualTo(Map.of("A", 30, "C", 10));

    // backups only when no primary is left: a primary that refuses connections is skipped
    int dead = freePort();
    assertThat(push.put(shop(state(3, member(dead, 1, false), member(b, 1, true)))).ok()).isTrue();
    assertThat(answers(port, 6)).isEqualTo(Map.of("B", 6));

    // refused without a change: an older version, bad JSON, a host that is not an address
    assertThat(push.put(shop(state(2, member(a, 1, false)))).status()).isEqualTo(409);
    String bad =
        "{\"version\":9,\"members\":[{\"host\":\"127.0.0.1; return 200\",\"port\":80,"
            + "\"weight\":1,\"backup\":false,\"maxFails\":1,\"failTimeout\":1}]}";
    Path socket = renderer.adminSocket();
    assertThat(raw(socket, "/upstreams/shop", bad)).isEqualTo(400);
    assertThat(raw(socket, "/upstreams/shop", "{\"version\":9,\"members\":[]}")).isEqualTo(400);
    assertThat(raw(socket, "/upstreams/shop", "not json")).isEqualTo(400);
    // several upstreams in one request: all of them or none
    String good = JSON.writeValueAsString(state(9, member(a, 1, false)));
    assertThat(raw(socket, "/upstreams", "{\"shop\":" + good + ",\"other\":" + bad + "}"))
        .isEqualTo(400);
    assertThat(raw(socket, "/upstreams", "{\"shop\":" + good + ",\"Other;\":" + good + "}"))
        .isEqualTo(400);
    assertThat(raw(socket, "/upstreams", "{}")).isEqualTo(400);
    assertThat(push.put(Map.of("other", state(5, member(a, 1, false)))).ok()).isTrue();
    Answer older =
        push.put(
            Map.of(
                "shop", state(2, member(a, 1, false)),
                "other", state(4, member(a, 1, false)),
                "fresh", state(9, member(a, 1, false))));
    assertThat(older.status()).isEqualTo(409);
    assertThat(older.body()).contains("\"held\":5"); // the newest of those refused
    assertThat(push.delete("other").ok()).isTrue();
    assertThat(push.versions()).isEqualTo(Map.of("shop", 3L));
    assertThat(answers(port, 4)).isEqualTo(Map.of("B", 4));
    assertThat(pids()).isEqualTo(pids);

    // nginx restarted: nothing held, the rendered members serve until the agent pushes again
    nginx.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !nginx.running());
    nginx.ensureRunning();
    assertThat(push.versions()).isEmpty();
    assertThat(answers(port, 4)).isEqualTo(Map.of("A", 2, "B", 2));
    assertThat(push.put(shop(state(4, member(c, 1, false)))).ok()).isTrue();
    assertThat(answers(port, 3)).isEqualTo(Map.of("C", 3));
  }

  /** PUTs {@code body} as it is (curl: the agent's client only sends what it built). */
  private static int raw(Path socket, String path, String body) throws Exception {
    Process curl =
        new ProcessBuilder(
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--unix-socket",
                socket.toString(),
                "-X",
                "PUT",
                "--data-binary",
                body,
                "http://nginx-agent" + path)
            .start();
    String status = new String(curl.getInputStream().readAllBytes()).trim();
    assertThat(curl.waitFor()).isZero();
    return Integer.parseInt(status);
  }

  private Map<String, Integer> answers(int port, int requests) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      counts.merge(answer.body(), 1, Integer::sum);
    }
    return counts;
  }

  /** nginx's master and worker PIDs. */
  private List<Long> pids() {
    long master = nginx.pid().orElseThrow();
    List<Long> pids = new ArrayList<>(List.of(master));
    ProcessHandle.of(master).orElseThrow().children().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  private static Map<String, State> shop(State state) {
    return Map.of("shop", state);
  }

  private static State state(long version, Member... members) {
    return new State(version, List.of(members));
  }

  private static Member member(int port, int weight, boolean backup) {
    return new Member("127.0.0.1", port, weight, backup, 1, 10);
  }

  private static Snapshot snapshot(int port, int... members) {
    NginxCluster cluster = JSON.readValue(NginxFixture.clusterJson("lua"), NginxCluster.class);
    Upstream upstream = JSON.readValue(NginxFixture.upstreamJson("shop", members), Upstream.class);
    VirtualServer server = JSON.readValue(NginxFixture.serverJson(port), VirtualServer.class);
    return new Snapshot(
        1, cluster, List.of(server), List.of(upstream), List.of(), Map.of(), List.of());
  }

  private int backend(String answer) throws IOException {
    HttpServer server = NginxFixture.backend(0, answer);
    backends.add(server);
    return server.getAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
