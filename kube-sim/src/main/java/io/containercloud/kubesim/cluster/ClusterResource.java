package io.containercloud.kubesim.cluster;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The simulator's admin API: which clusters run where. */
@RestController
class ClusterResource {

  private final SimulatedClusters clusters;

  ClusterResource(SimulatedClusters clusters) {
    this.clusters = clusters;
  }

  @GetMapping("/clusters")
  List<SimulatedClusters.ClusterView> list() {
    return clusters.views();
  }
}
