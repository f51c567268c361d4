package io.containercloud.nginxagent;

import io.containercloud.common.probe.ProbeServer;
import io.containercloud.common.testing.ServiceContract;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(properties = "server.port=0")
@ActiveProfiles("test")
class NginxAgentApplicationIT {

  @Autowired ProbeServer probes;

  @Test
  void startsAgainstTheRealServersAndServesProbesAndMetricsWithoutAWebStack() {
    ServiceContract.assertHostDaemonHonoured(probes.port());
  }
}
