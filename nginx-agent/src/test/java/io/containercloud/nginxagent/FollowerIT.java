package io.containercloud.nginxagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.config.SnapshotReader;
import io.containercloud.nginxagent.follow.Follower;
import io.etcd.jetcd.Client;
import jakarta.validation.Validation;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The follower against a real etcd: a snapshot made from its watch holds the cluster's latest keys
 * at the revision of the newest change, deletions included, and nothing of another cluster whose
 * name sorts inside the watched range.
 */
class FollowerIT {

  private final Client etcd =
      Client.builder().endpoints(URI.create("http://127.0.0.1:" + LocalInfra.ETCD_PORT)).build();
  private final String cluster = "fol-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  private final String neighbour = cluster + "-2"; // "-" sorts before "/"

  @AfterEach
  void removeClusters() {
    TestEtcd.removeNginxCluster(etcd, cluster);
    TestEtcd.removeNginxCluster(etcd, neighbour);
    etcd.close();
  }

  @Test
  void snapshotsFromTheWatchHoldTheLatestKeysOfTheClusterOnly() throws Exception {
    put(NginxKeys.cluster(cluster), NginxFixture.clusterJson(cluster));
    put(NginxKeys.upstreams(cluster) + "a", NginxFixture.upstreamJson("a", 9));
    put(NginxKeys.cluster(neighbour), NginxFixture.clusterJson(neighbour));
    put(NginxKeys.upstreams(neighbour) + "b", NginxFixture.upstreamJson("b", 9));
    AtomicInteger changes = new AtomicInteger();
    try (Follower follower =
        new Follower(
            etcd.getWatchClient(),
            new SnapshotReader(
                etcd.getKVClient(),
                JsonMapper.builder().build(),
                Validation.buildDefaultValidatorFactory().getValidator(),
                cluster),
            changes::incrementAndGet)) {
      Snapshot first = follower.snapshot();
      assertThat(first.cluster().name()).isEqualTo(cluster);
      assertThat(first.upstreams()).extracting(Upstream::name).containsExactly("a");
      assertThat(follower.stale()).isFalse();

      put(NginxKeys.upstreams(neighbour) + "c", NginxFixture.upstreamJson("c", 9));
      long added = put(NginxKeys.upstreams(cluster) + "d", NginxFixture.upstreamJson("d", 19));
      await().atMost(Duration.ofSeconds(10)).until(follower::stale);
      Snapshot next = follower.snapshot();
      assertThat(next.upstreams()).extracting(Upstream::name).containsExactlyInAnyOrder("a", "d");
      assertThat(next.revision()).isEqualTo(added);

      long deleted =
          etcd.getKVClient()
              .delete(NginxFixture.bytes(NginxKeys.upstreams(cluster) + "a"))
              .get()
              .getHeader()
              .getRevision();
      await().atMost(Duration.ofSeconds(10)).until(follower::stale);
      Snapshot last = follower.snapshot();
      assertThat(last.upstreams()).extracting(Upstream::name).containsExactly("d");
      assertThat(last.revision()).isEqualTo(deleted);
      assertThat(changes.get()).isEqualTo(2); // the neighbour's changes woke nobody
    }
  }

  private long put(String key, String value) throws Exception {
    return etcd.getKVClient()
        .put(NginxFixture.bytes(key), NginxFixture.bytes(value))
        .get()
        .getHeader()
        .getRevision();
  }
}
