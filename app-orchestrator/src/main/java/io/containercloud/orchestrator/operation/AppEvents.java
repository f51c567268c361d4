package io.containercloud.orchestrator.operation;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.AuditFacts;
import io.containercloud.common.outbox.Outbox;
import io.containercloud.orchestrator.operation.model.Operation;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The orchestrator's events through the outbox: on {@code app-events} each operation's start and
 * end (keyed {@code tenant/application}, so one application's stay in order), and on {@code
 * audit-events} the operations no user request started (a user's request is the gateway's audit
 * entry).
 */
@Component
class AppEvents {

  enum Type implements EventType {
    OPERATION_STARTED("app.operation-started"),
    OPERATION_FINISHED("app.operation-finished");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    @Override
    public String value() {
      return value;
    }
  }

  private static final String SOURCE = "/app-orchestrator";

  private final Outbox outbox;
  private final JsonMapper json;

  AppEvents(Outbox outbox, JsonMapper json) {
    this.outbox = outbox;
    this.json = json;
  }

  void started(Operation operation) {
    append(Type.OPERATION_STARTED, operation, data(operation));
  }

  void finished(Operation operation, String state, String error) {
    ObjectNode data = data(operation).put("state", state);
    if (error != null) {
      data.put("error", error);
    }
    append(Type.OPERATION_FINISHED, operation, data);
  }

  /** One audit entry for an operation that {@code user} (a service) started on its own. */
  void audit(Operation operation, String user) {
    ObjectNode data =
        data(operation)
            .put("user", user)
            .put("service", "app-orchestrator")
            .put("targetId", operation.tenant() + "/" + operation.application());
    outbox.append(
        Topic.AUDIT_EVENTS,
        operation.tenant(),
        CloudEvent.of(
            SOURCE,
            AuditFacts.Type.APP_OPERATION,
            Long.toString(operation.id()),
            operation.tenant(),
            data));
  }

  private void append(Type type, Operation operation, ObjectNode data) {
    String key = operation.tenant() + "/" + operation.application();
    outbox.append(
        Topic.APP_EVENTS, key, CloudEvent.of(SOURCE, type, key, operation.tenant(), data));
  }

  private ObjectNode data(Operation operation) {
    return json.createObjectNode()
        .put("operation", operation.id())
        .put("application", operation.application())
        .put("action", operation.action().value())
        .put("applicationVersion", operation.applicationVersion())
        .put("requestedBy", operation.requestedBy())
        .put("cause", operation.cause());
  }
}
