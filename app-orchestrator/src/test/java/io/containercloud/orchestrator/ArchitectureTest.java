package io.containercloud.orchestrator;

import io.containercloud.common.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void packagesFollowTheLayoutRules() {
    ArchitectureRules.module("io.containercloud.orchestrator")
        .models("application.model", "operation.model")
        .check();
  }
}
