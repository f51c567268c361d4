package io.containercloud.orchestrator;

import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ServiceIntegrationTest
class AppOrchestratorApplicationIT {

  @LocalServerPort int port;

  @Test
  void startsAgainstTheRealServersAndHonoursTheServiceContract() {
    ServiceContract.assertHonoured(port);
  }
}
