package io.containercloud.logagent;

import io.containercloud.common.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void packagesFollowTheLayoutRules() {
    ArchitectureRules.module("io.containercloud.logagent").models("model").check();
  }
}
