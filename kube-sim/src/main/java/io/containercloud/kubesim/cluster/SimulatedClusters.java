package io.containercloud.kubesim.cluster;

import io.containercloud.kubesim.cluster.controller.Nodes;
import java.util.List;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Starts every simulated cluster with the application and stops them with it. */
@Component
class SimulatedClusters implements SmartLifecycle {

  private final KubeSimProperties properties;
  private final ContainerLogProperties logs;
  private volatile KubeSim sim;

  SimulatedClusters(KubeSimProperties properties, ContainerLogProperties logs) {
    this.properties = properties;
    this.logs = logs;
  }

  @Override
  public void start() {
    sim = KubeSim.start(properties, logs);
  }

  @Override
  public void stop() {
    if (sim != null) {
      sim.close();
      sim = null;
    }
  }

  @Override
  public boolean isRunning() {
    return sim != null;
  }

  KubeSim sim() {
    return sim;
  }

  List<ClusterView> views() {
    return sim.clusters().stream()
        .map(
            name ->
                new ClusterView(
                    name,
                    sim.apiUrl(name),
                    sim.kubeconfig(name).toString(),
                    sim.reachable(name),
                    sim.client(name).nodes().list().getItems().stream()
                        .map(n -> new NodeView(n.getMetadata().getName(), Nodes.ready(n)))
                        .toList()))
        .toList();
  }

  /** What the admin API shows of one cluster. */
  record ClusterView(
      String name, String apiUrl, String kubeconfig, boolean reachable, List<NodeView> nodes) {}

  record NodeView(String name, boolean ready) {}
}
