package io.containercloud.cluster;

import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ServiceIntegrationTest
class ClusterServiceApplicationIT {

  @LocalServerPort int port;

  @Test
  void startsAgainstTheRealServersAndHonoursTheServiceContract() {
    ServiceContract.assertHonoured(port);
  }
}
