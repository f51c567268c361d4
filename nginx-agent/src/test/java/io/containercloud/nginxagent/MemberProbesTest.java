package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginxagent.health.MemberProbes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The member probes against a real HTTP backend that fails its checks. */
class MemberProbesTest {

  @Test
  void aMemberTakenOutAndPutBackWithinItsIntervalKeepsItsStateAndIsNotProbedAgain()
      throws Exception {
    AtomicInteger probed = new AtomicInteger();
    HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    failing.createContext(
        "/",
        exchange -> {
          probed.incrementAndGet();
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    failing.start();
    MemberProbes probes = new MemberProbes(() -> {});
    try {
      String member = "127.0.0.1:" + failing.getAddress().getPort();
      Upstream with = upstream(failing.getAddress().getPort());
      Upstream without = upstream(9);

      probes.follow(List.of(with));
      probes.probeDue();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> probes.down().equals(Map.of("shop", Set.of(member))));

      probes.follow(List.of(without)); // out: neither down nor reported while it is out
      assertThat(probes.down().getOrDefault("shop", Set.of())).doesNotContain(member);
      assertThat(probes.health().get("shop")).doesNotContainKey(member);

      probes.follow(List.of(with)); // back within its minute: still down, no probe due
      probes.probeDue();
      assertThat(probes.down()).isEqualTo(Map.of("shop", Set.of(member)));
      assertThat(probes.health().get("shop")).containsEntry(member, "down");
      assertThat(probed.get()).isEqualTo(1);
    } finally {
      probes.close();
      failing.stop(0);
    }
  }

  private static Upstream upstream(int port) {
    return JsonMapper.builder()
        .build()
        .readValue(
            """
            {"name":"shop","tenant":"tenant-a","balance":"round-robin","active":"vm",
             "vm":{"members":[{"host":"127.0.0.1","port":%d}]},
             "healthCheck":{"interval":"1m","rise":1,"fall":1,"timeout":"1s","path":"/",
                            "expectedStatuses":[200]}}"""
                .formatted(port),
            Upstream.class);
  }
}
