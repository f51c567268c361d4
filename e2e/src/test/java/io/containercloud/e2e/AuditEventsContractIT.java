package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code audit-events}: the gateway produces one for every change a user makes; audit-service
 * chains it into the trail. Driven through the gateway, read back through it.
 */
class AuditEventsContractIT {

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void aChangeThroughTheGatewayLandsInTheTrailWithWhoWhatAndTheOutcome() {
    String host = "audit-" + UUID.randomUUID().toString().substring(0, 6);
    String created =
        platform.ok(
            "POST",
            "/api/dns/records",
            """
            {"name":"%s.%s","type":"A","ttl":60,"values":["10.0.0.9"]}"""
                .formatted(host, E2ePlatform.ZONE));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                platform
                    .ok("GET", "/api/audit/records?q=" + host + "&limit=5", null)
                    .contains("\"status\":201"));
    String trail = platform.ok("GET", "/api/audit/records?q=" + host + "&limit=5", null);
    assertThat(trail)
        .contains("\"user\":\"admin\"", "\"method\":\"POST\"", "\"service\":\"dns\"", host);
    assertThat(platform.ok("GET", "/api/audit/chains/platform/verify", null))
        .contains("\"intact\":true");

    String id = created.replaceAll("(?s).*\"id\":(\\d+).*", "$1");
    platform.ok("DELETE", "/api/dns/records/" + id, null);
  }
}
