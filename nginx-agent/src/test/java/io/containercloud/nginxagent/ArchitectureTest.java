package io.containercloud.nginxagent;

import io.containercloud.common.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void packagesFollowTheLayoutRules() {
    ArchitectureRules.module("io.containercloud.nginxagent")
        .using("io.containercloud.nginx..")
        .check();
  }
}
