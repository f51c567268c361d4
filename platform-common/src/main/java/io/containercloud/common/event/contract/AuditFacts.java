package io.containercloud.common.event.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.containercloud.common.consumer.UnreadableEventException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.EventType;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code audit-events}, version 1: the members of an audit event's {@code data} that the audit
 * trail indexes. Producers add whatever else they know (path, body digest, shell command, ...) as
 * further members; the trail keeps the whole {@code data} as the record's payload. Produced by the
 * gateway ({@code http.request}, {@code auth.login}, {@code auth.login-failed}), cluster-service
 * ({@code webshell.command}) and app-orchestrator ({@code app.operation}); consumed by
 * audit-service.
 *
 * @param user who acted (absent: the producing service itself)
 * @param service the service acted on
 * @param method the HTTP method, or absent
 * @param status the status the caller got; absent when nobody saw the outcome ({@code outcome})
 * @param targetId the object acted on, or absent
 * @param targetIds the objects a request path names, outermost first (the gateway's way)
 * @param outcome {@code unknown} when the producer could not see the outcome, else absent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditFacts(
    String user,
    String service,
    String method,
    Integer status,
    String targetId,
    List<String> targetIds,
    String outcome) {

  static final String DATASCHEMA = "https://containercloud.io/schemas/audit-event/v1";

  /** The audit event types, each under this definition. */
  public enum Type implements EventType {
    HTTP_REQUEST("http.request"),
    LOGIN("auth.login"),
    LOGIN_FAILED("auth.login-failed"),
    SHELL_COMMAND("webshell.command"),
    /** An operation on an application that no user request started (an image push's upgrade). */
    APP_OPERATION("app.operation");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    @Override
    public String value() {
      return value;
    }

    @Override
    public String dataschema() {
      return DATASCHEMA;
    }
  }

  /** The object acted on: {@code targetId}, else the first of {@code targetIds}, else null. */
  public String target() {
    if (targetId != null) {
      return targetId;
    }
    return targetIds == null || targetIds.isEmpty() ? null : targetIds.get(0);
  }

  /**
   * The facts of {@code event}; absent members are null.
   *
   * @throws UnreadableEventException when {@code data} is not an object of this shape
   */
  public static AuditFacts from(CloudEvent event, JsonMapper json) {
    if (event.data() == null || !event.data().isObject()) {
      return new AuditFacts(null, null, null, null, null, null, null);
    }
    try {
      return json.treeToValue(event.data(), AuditFacts.class);
    } catch (JacksonException e) {
      throw new UnreadableEventException(
          "event " + event.id() + " is not audit data: " + e.getOriginalMessage());
    }
  }
}
