package io.containercloud.build.run;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.outbox.Outbox;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The events of builds on {@code build-events}, through the outbox in the transaction of the change
 * they announce; keyed {@code tenant/configuration}, so one configuration's builds stay in order,
 * with the build ({@code tenant/configuration/number}) as subject.
 */
@Component
class BuildEvents {

  enum Type implements EventType {
    STARTED("build.started"),
    STEP_FINISHED("build.step-finished"),
    SUCCEEDED("build.succeeded"),
    FAILED("build.failed"),
    CANCELLED("build.cancelled");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    @Override
    public String value() {
      return value;
    }
  }

  private static final String SOURCE = "/build-service";

  private final Outbox outbox;
  private final JsonMapper json;

  BuildEvents(Outbox outbox, JsonMapper json) {
    this.outbox = outbox;
    this.json = json;
  }

  ObjectNode data(Build build) {
    return json.createObjectNode()
        .put("configuration", build.configuration())
        .put("number", build.number());
  }

  void append(Type type, Build build, ObjectNode data) {
    String subject = build.tenant() + "/" + build.configuration() + "/" + build.number();
    outbox.append(
        Topic.BUILD_EVENTS,
        build.tenant() + "/" + build.configuration(),
        CloudEvent.of(SOURCE, type, subject, build.tenant(), data));
  }
}
