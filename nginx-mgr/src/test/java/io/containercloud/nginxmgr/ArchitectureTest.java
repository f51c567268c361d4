package io.containercloud.nginxmgr;

import io.containercloud.common.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void packagesFollowTheLayoutRules() {
    ArchitectureRules.module("io.containercloud.nginxmgr")
        .using("io.containercloud.nginx..")
        .check();
  }
}
