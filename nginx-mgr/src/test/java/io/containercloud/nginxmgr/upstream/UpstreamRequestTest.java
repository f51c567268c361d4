package io.containercloud.nginxmgr.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.nginx.model.Upstream;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class UpstreamRequestTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** As a client sends it: container members included, as an answer sent back holds them. */
  private static final String SENT =
      """
      {"name":"shop","balance":"round-robin","active":"both","weights":{"vm":50,"container":50},
       "vm":{"members":[{"host":"10.0.0.7","port":8080,"weight":1,"maxFails":3,
                         "failTimeout":"10s"}]},
       "container":{"cluster":"room-1","namespace":"shop","service":"shop-api","port":8080,
                    "members":["10.9.9.9"]},
       "healthCheck":{"interval":"5s","rise":2,"fall":3,"timeout":"1s","path":"/healthz",
                      "expectedStatuses":[200]}}""";

  @Test
  void isStoredForItsOwnerWithEveryFieldAsSentButNoContainerMembersOfTheClient() {
    String stored = JSON.writeValueAsString(request(SENT).toDocument("tenant-a", null));

    assertThat(JSON.readTree(stored))
        .isEqualTo(
            JSON.readTree(
                """
                {"name":"shop","tenant":"tenant-a","balance":"round-robin",
                 "vm":{"members":[{"host":"10.0.0.7","port":8080,"weight":1,"backup":false,
                                   "maxFails":3,"failTimeout":"10s"}]},
                 "container":{"cluster":"room-1","namespace":"shop","service":"shop-api",
                              "port":8080,"members":[]},
                 "active":"both","weights":{"vm":50,"container":50},
                 "healthCheck":{"interval":"5s","rise":2,"fall":3,"timeout":"1s",
                                "path":"/healthz","expectedStatuses":[200]}}"""));
  }

  @Test
  void aReplacementKeepsTheMembersStoredForTheSameService() {
    Upstream current = request(SENT).toDocument("tenant-a", null).withMembers(List.of("10.1.0.9"));

    Upstream replaced =
        request(SENT.replace("\"weight\":1", "\"weight\":5")).toDocument("tenant-a", current);

    assertThat(replaced.container().members()).containsExactly("10.1.0.9");
    assertThat(replaced.vm().members().get(0).weight()).isEqualTo(5);
  }

  @Test
  void aReplacementNamingAnotherServiceStartsWithoutMembers() {
    Upstream current = request(SENT).toDocument("tenant-a", null).withMembers(List.of("10.1.0.9"));

    Upstream replaced =
        request(SENT.replace("shop-api", "shop-web")).toDocument("tenant-a", current);

    assertThat(replaced.container().members()).isEmpty();
  }

  private static UpstreamRequest request(String json) {
    return JSON.readValue(json, UpstreamRequest.class);
  }
}
