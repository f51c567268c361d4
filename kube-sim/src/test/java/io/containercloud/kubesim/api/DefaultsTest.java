package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class DefaultsTest {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void pullsAlwaysOnlyWhatHasNoTagOrTheLatestOne() {
    assertThat(Defaults.pullPolicy("nginx")).isEqualTo("Always");
    assertThat(Defaults.pullPolicy("nginx:latest")).isEqualTo("Always");
    assertThat(Defaults.pullPolicy("127.0.0.1:15000/shop/web")).isEqualTo("Always");
    assertThat(Defaults.pullPolicy("127.0.0.1:15000/shop/web:1.2")).isEqualTo("IfNotPresent");
    assertThat(Defaults.pullPolicy("web@sha256:0123")).isEqualTo("IfNotPresent");
  }

  @Test
  void keepsWhatTheObjectSaysAndFillsInTheRest() {
    ObjectNode daemons =
        (ObjectNode)
            json.readTree(
                """
                {"spec":{"updateStrategy":{"type":"OnDelete"},"revisionHistoryLimit":3,
                 "template":{"spec":{"containers":[{"name":"a","image":"a:1",
                   "ports":[{"containerPort":1,"protocol":"UDP"}]}]}}}}""");
    Defaults.apply(ResourceType.of("apps", "v1", "daemonsets", true), daemons);

    assertThat(daemons.path("spec").path("updateStrategy").toString())
        .isEqualTo("{\"type\":\"OnDelete\"}");
    assertThat(daemons.path("spec").path("revisionHistoryLimit").asInt()).isEqualTo(3);
    assertThat(daemons.at("/spec/template/spec/containers/0/ports/0/protocol").asString())
        .isEqualTo("UDP");
    assertThat(daemons.at("/spec/template/spec/dnsPolicy").asString()).isEqualTo("ClusterFirst");

    ObjectNode sets = (ObjectNode) json.readTree("{\"spec\":{}}");
    Defaults.apply(ResourceType.of("apps", "v1", "statefulsets", true), sets);
    assertThat(sets.at("/spec/updateStrategy/rollingUpdate/partition").asInt()).isZero();
    assertThat(sets.at("/spec/podManagementPolicy").asString()).isEqualTo("OrderedReady");
    assertThat(sets.at("/spec/replicas").asInt()).isEqualTo(1);
  }
}
