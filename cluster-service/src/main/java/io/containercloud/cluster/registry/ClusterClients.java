package io.containercloud.cluster.registry;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * One fabric8 client per registered cluster, built from its decrypted kubeconfig on first use.
 * Every Kubernetes call of the service goes through these, so real clusters work unchanged.
 */
@Component
public class ClusterClients implements AutoCloseable {

  private final ClusterRepository clusters;
  private final CredentialCipher cipher;
  private final RegistryProperties properties;
  private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

  ClusterClients(
      ClusterRepository clusters, CredentialCipher cipher, RegistryProperties properties) {
    this.clusters = clusters;
    this.cipher = cipher;
    this.properties = properties;
  }

  /** The client of a registered cluster. */
  public KubernetesClient client(String cluster) {
    return clients.computeIfAbsent(
        cluster,
        name ->
            clusters
                .find(name)
                .map(c -> build(config(name, cipher.decrypt(name, c.kubeconfig()))))
                .orElseThrow(() -> new IllegalArgumentException("no registered cluster " + name)));
  }

  /** The names of the registered clusters. */
  public List<String> registered() {
    return clusters.findAll().stream().map(RegisteredCluster::name).toList();
  }

  void forget(String cluster) {
    KubernetesClient client = clients.remove(cluster);
    if (client != null) {
      client.close();
    }
  }

  /** The kubeconfig as fabric8 reads it, with the service's timeouts and no client retries. */
  Config config(String cluster, String kubeconfig) {
    Config config = Config.fromKubeconfig(kubeconfig);
    config.setRequestTimeout((int) properties.probeTimeout().toMillis());
    config.setConnectionTimeout((int) properties.probeTimeout().toMillis());
    config.setRequestRetryBackoffLimit(0);
    return config;
  }

  private static KubernetesClient build(Config config) {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    clients.values().forEach(KubernetesClient::close);
    clients.clear();
  }
}
