package io.containercloud.kubesim.cluster;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Starts every simulated cluster with the application and stops them with it. */
@Component
class SimulatedClusters implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SimulatedClusters.class);

  private final KubeSimProperties properties;
  private final List<SimulatedCluster> clusters = new ArrayList<>();
  private volatile boolean running;

  SimulatedClusters(KubeSimProperties properties) {
    this.properties = properties;
  }

  @Override
  public void start() {
    for (int i = 0; i < properties.clusters(); i++) {
      SimulatedCluster cluster =
          new SimulatedCluster(
              properties.namePrefix() + "-" + (i + 1), properties.basePort() + i, properties);
      clusters.add(cluster);
      cluster.start();
      cluster.writeKubeconfig();
      log.info(
          "cluster {} serves {} with {} nodes; kubeconfig {}",
          cluster.name(),
          cluster.apiUrl(),
          properties.nodes(),
          cluster.kubeconfig());
    }
    running = true;
  }

  @Override
  public void stop() {
    clusters.forEach(SimulatedCluster::stop);
    clusters.clear();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  List<ClusterView> views() {
    return clusters.stream()
        .map(
            c ->
                new ClusterView(
                    c.name(),
                    c.apiUrl(),
                    c.kubeconfig().toString(),
                    c.client().nodes().list().getItems().size()))
        .toList();
  }

  /** What the admin API shows of one cluster. */
  record ClusterView(String name, String apiUrl, String kubeconfig, int nodes) {}
}
