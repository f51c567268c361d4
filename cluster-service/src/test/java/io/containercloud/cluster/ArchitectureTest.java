package io.containercloud.cluster;

import io.containercloud.common.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void packagesFollowTheLayoutRules() {
    ArchitectureRules.module("io.containercloud.cluster")
        .models("workload.model", "failover.model")
        .check();
  }
}
