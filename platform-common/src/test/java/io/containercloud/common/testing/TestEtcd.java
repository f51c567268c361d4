package io.containercloud.common.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Removes what a test wrote under {@code /nginx/v1/} in the etcd it shares with the local platform:
 * the platform's nginx-mgr and agents would otherwise list, watch and report on test clusters for
 * good. Call it after the test's agents stopped (a running agent writes its report again).
 */
public final class TestEtcd {

  /** The root of nginx-model's {@code NginxKeys}, spelled out: platform-common uses no module. */
  private static final String ROOT = "/nginx/v1/";

  private TestEtcd() {}

  /**
   * Deletes nginx cluster {@code cluster}: its document and every object under it, its agents'
   * reports and its change marker; fails if any of it is still there afterwards.
   */
  public static void removeNginxCluster(Client etcd, String cluster) {
    KV kv = etcd.getKVClient();
    String settings = ROOT + "clusters/" + cluster;
    List<String> prefixes = List.of(settings + "/", ROOT + "agents/" + cluster + "/");
    List<String> keys = List.of(settings, ROOT + "changes/" + cluster);
    for (String prefix : prefixes) {
      await(kv.delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()));
    }
    for (String key : keys) {
      await(kv.delete(bytes(key)));
    }
    long left = 0;
    for (String prefix : prefixes) {
      left += await(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getCount();
    }
    for (String key : keys) {
      left += await(kv.get(bytes(key))).getCount();
    }
    if (left > 0) {
      throw new IllegalStateException(
          left + " keys of nginx cluster " + cluster + " are back: is one of its agents running?");
    }
  }

  /**
   * Deletes the ready addresses nginx-mgr keeps for the Kubernetes service {@code
   * <cluster>/<namespace>/<service>} after endpoint events a test sent.
   */
  public static void removeEndpoints(Client etcd, String service) {
    await(etcd.getKVClient().delete(bytes(ROOT + "endpoints/" + service)));
  }

  /** What nginx-mgr keeps of a service's addresses, when it keeps anything. */
  public static Optional<String> endpoints(Client etcd, String service) {
    return await(etcd.getKVClient().get(bytes(ROOT + "endpoints/" + service))).getKvs().stream()
        .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8))
        .findFirst();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("etcd did not answer: " + e.getMessage(), e);
    }
  }
}
