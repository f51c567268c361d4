package io.containercloud.cluster.workload;

import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.common.leader.Leadership;
import io.containercloud.common.loop.BackgroundLoop;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Watches the platform's Deployments in every registered cluster, on the leader, so a change there
 * (replicas turning Ready, a rollout moving on, a Deployment deleted by hand) has its workload
 * reconciled at once rather than at the next full round. Only a shortcut: the full rounds still see
 * everything, so a watch that broke or a cluster that cannot be watched loses nothing. Each round
 * opens the watches that are missing (a new cluster, a new client, one that closed).
 */
@Component
class DeploymentWatch extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(DeploymentWatch.class);

  private final ClusterClients clients;
  private final Leadership leadership;
  private final Reconciler reconciler;
  private final Map<String, Open> open = new ConcurrentHashMap<>();

  private record Open(KubernetesClient client, Watch watch, AtomicBoolean closed) {}

  DeploymentWatch(ClusterClients clients, Leadership leadership, Reconciler reconciler) {
    super("deployment-watch", Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(1));
    this.clients = clients;
    this.leadership = leadership;
    this.reconciler = reconciler;
  }

  @Override
  protected boolean round() {
    if (!leadership.isLeader()) {
      closeAll();
      return false;
    }
    Set<String> registered = Set.copyOf(clients.registered());
    open.keySet().stream().filter(c -> !registered.contains(c)).toList().forEach(this::close);
    for (String cluster : registered) {
      try {
        KubernetesClient client = clients.client(cluster);
        Open current = open.get(cluster);
        if (current != null && current.client() == client && !current.closed().get()) {
          continue;
        }
        close(cluster);
        open.put(cluster, watch(client));
      } catch (RuntimeException e) {
        // unreachable or just removed: the full rounds cover it, the next round tries again
        log.debug("cannot watch deployments of {}: {}", cluster, e.getMessage());
      }
    }
    return false;
  }

  private Open watch(KubernetesClient client) {
    AtomicBoolean closed = new AtomicBoolean();
    Watch watch =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(Manifests.MANAGED_BY, Manifests.MANAGER)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Deployment deployment) {
                    reconciler.touch(
                        deployment.getMetadata().getNamespace(),
                        deployment.getMetadata().getName());
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    closed.set(true);
                    wake();
                  }
                });
    return new Open(client, watch, closed);
  }

  private void close(String cluster) {
    Open gone = open.remove(cluster);
    if (gone != null) {
      gone.watch().close();
    }
  }

  private void closeAll() {
    Set.copyOf(open.keySet()).forEach(this::close);
  }

  @Override
  public void stop() {
    super.stop();
    closeAll();
  }
}
