package io.containercloud.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class CloudEventTest {

  private final JsonMapper mapper = JsonMapper.builder().findAndAddModules().build();

  enum Type implements EventType {
    STARTED;

    @Override
    public String value() {
      return "app.started";
    }
  }

  @Test
  void serializesAsStructuredCloudEventWithTenantExtension() {
    CloudEvent event =
        CloudEvent.of(
            "/app-orchestrator",
            Type.STARTED,
            "app-42",
            "tenant-a",
            mapper.valueToTree(Map.of("services", 3)));
    String json = event.toJson(mapper);
    assertThat(json)
        .contains("\"specversion\":\"1.0\"")
        .contains("\"id\":\"" + event.id() + "\"")
        .contains("\"source\":\"/app-orchestrator\"")
        .contains("\"type\":\"app.started\"")
        .contains("\"subject\":\"app-42\"")
        .contains("\"tenant\":\"tenant-a\"")
        .contains("\"datacontenttype\":\"application/json\"")
        .contains("\"data\":{\"services\":3}");
    assertThat(CloudEvent.fromJson(mapper, json)).isEqualTo(event);
  }

  @Test
  void eachEventGetsItsOwnId() {
    CloudEvent a = CloudEvent.of("/x", Type.STARTED, "s", "t", null);
    CloudEvent b = CloudEvent.of("/x", Type.STARTED, "s", "t", null);
    assertThat(a.id()).isNotEqualTo(b.id());
  }

  @Test
  void onlyEndpointEventsAreCompacted() {
    assertThat(Topic.values()).filteredOn(Topic::compacted).containsExactly(Topic.ENDPOINT_EVENTS);
    assertThat(Topic.ENDPOINT_EVENTS.topicName()).isEqualTo("endpoint-events");
  }

  @Test
  void everyProducerNamesItselfTheSameWay() {
    assertThat(CloudEvent.of("/nginx-mgr", Type.STARTED, "s", "t", null).source())
        .isEqualTo("/nginx-mgr");
    assertThatThrownBy(() -> CloudEvent.of("nginx-mgr", Type.STARTED, "s", "t", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/<module>");
  }
}
