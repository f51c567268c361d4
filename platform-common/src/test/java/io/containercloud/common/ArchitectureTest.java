package io.containercloud.common;

import io.containercloud.common.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void packagesFollowTheLayoutRules() {
    ArchitectureRules.check("io.containercloud.common");
  }
}
