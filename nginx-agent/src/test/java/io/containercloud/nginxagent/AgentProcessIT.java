package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.FreePorts;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    port = FreePorts.pick();
    backendA = backend("A");
    backendB = backend("B");
    prefix = Files.createTempDirectory("nginx-agent-proc");
    put(NginxKeys.cluster(cluster), NginxFixture.clusterJson(cluster));
    put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendA));
    put(NginxKeys.servers(cluster) + "shop", NginxFixture.serverJson(port));
    agent = startAgent();
    awaitAnswer("A");
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (agent != null) {
      agent.destroyForcibly().waitFor(); // gone before its cluster is removed: it reports no more
    }
    new NginxProcess(Path.of("/usr/sbin/nginx"), prefix).stop();
    backends.forEach(b -> b.stop(0));
    TestEtcd.removeNginxCluster(etcd, cluster);
    etcd.close();
  }

  @Test
  void killedMidBurstItLeavesAValidConfigurationAndConvergesWhenRestarted() throws Exception {
    for (int i = 0; i < 400; i++) {
      put(
          NginxKeys.upstreams(cluster) + "shop",
          NginxFixture.upstreamJson("shop", i % 2 == 0 ? backendB : backendA));
      if (i == 200) {
        agent.destroyForcibly(); // SIGKILL, wherever it is in an apply
        agent.waitFor();
      }
    }
    put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendB));

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
      put(NginxKeys.upstreams(cluster) + "shop", NginxFixture.upstreamJson("shop", backendB));
      for (int i = 0; i < 20; i++) {
        put("/nginx/v1/changes/unrelated-" + cluster, "x" + i);
      }
      long latest = etcd.getKVClient().get(NginxFixture.bytes("/")).get().getHeader().getRevision();
      etcd.getKVClient().compact(latest).get();
      LocalInfra.stop("etcd", LocalInfra.ETCD_PORT); // the agent's watch breaks while it is frozen
      LocalInfra.start("etcd");
    } finally {
      signal("CONT", handle.pid());
    }

    awaitAnswer("B");
  }

  private int backend(String answer) throws IOException {
    HttpServer server = NginxFixture.backend(0, answer);
    backends.add(server);
    return server.getAddress().getPort();
  }

  private Process startAgent() throws IOException {
    String jar = LocalInfra.jar("nginx-agent.jar").toString();
    return new ProcessBuilder(
            "java",
            "-Xmx128m",
            "-jar",
            jar,
            "--server.port=0",
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

  private void put(String key, String value) throws Exception {
    etcd.getKVClient().put(NginxFixture.bytes(key), NginxFixture.bytes(value)).get();
  }
}
