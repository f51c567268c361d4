package io.containercloud.dns;

import static io.containercloud.dns.DnsFixture.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Fault drill: BIND is stopped while changes keep coming; none is lost. */
@ServiceIntegrationTest
class BindOutageIT {

  private static final int CHANGES = 50;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @AfterEach
  void cleanUp() {
    DnsFixture.cleanUp(jdbc);
  }

  @Test
  void changesMadeWhileBindIsDownApplyWhenItReturns() {
    DnsFixture dns = new DnsFixture(port);
    dns.ensureZone();
    String token = TestTokens.token("ops", "tenant-a", Role.TENANT_ADMIN);
    String base = DnsFixture.uniqueName("outage");
    List<Long> ids = new ArrayList<>();
    LocalInfra.stop("bind", LocalInfra.BIND_PORT);
    try {
      for (int i = 0; i < CHANGES; i++) {
        ids.add(dns.create(token, i + "." + base, "A", "10.60." + (i / 250) + "." + (i % 250 + 1)));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> dns.syncStatus(ids.get(0)).equals("FAILED"));
      assertThat(dns.send("GET", "/records/" + ids.get(0), DnsFixture.ADMIN, null).body())
          .contains("did not answer");
    } finally {
      LocalInfra.start("bind");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ids.stream().allMatch(id -> dns.syncStatus(id).equals("APPLIED")));
    for (int i = 0; i < CHANGES; i++) {
      assertThat(answer(i + "." + base, DnsFixture.A))
          .containsExactly("10.60." + (i / 250) + "." + (i % 250 + 1));
    }
  }
}
