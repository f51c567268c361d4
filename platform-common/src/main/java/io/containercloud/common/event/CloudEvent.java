package io.containercloud.common.event;

import io.containercloud.common.consumer.UnreadableEventException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode, with the platform's {@code tenant} extension
 * attribute.
 *
 * <p>Every event a service emits travels in this envelope, so consumers can deduplicate on {@link
 * #id()}, route on {@link #type()} and check tenancy without knowing the payload. The payload stays
 * a JSON tree: each consumer maps it to its own record, which keeps producers and consumers free to
 * evolve separately.
 *
 * @param specversion always {@code 1.0}
 * @param id unique per event; consumers remember it to stay idempotent
 * @param source the producing service as {@code /<module>}, for example {@code /cluster-service};
 *     the same form for every producer, so consumers and audits can match on it
 * @param type a dotted name such as {@code app.started}, taken from an {@link EventType}
 * @param time when the change happened
 * @param subject the aggregate the event is about (also the Kafka key)
 * @param tenant the tenant owning the aggregate, or {@code platform} for platform-wide events
 * @param datacontenttype always {@code application/json}
 * @param dataschema for a type other services consume, the shared definition and its version
 *     ({@link EventType#dataschema()}); absent otherwise
 * @param data the payload
 */
public record CloudEvent(
    @NotBlank String specversion,
    @NotBlank String id,
    @NotBlank @Pattern(regexp = SOURCE) String source,
    @NotBlank String type,
    @NotNull Instant time,
    @NotBlank String subject,
    @NotBlank String tenant,
    String datacontenttype,
    String dataschema,
    JsonNode data) {

  public static final String SPEC_VERSION = "1.0";

  /** What {@code source} looks like: a slash and the producing module's name. */
  public static final String SOURCE = "/[a-z][a-z0-9-]{0,62}";

  /**
   * The content type of a structured-mode CloudEvent, sent as the Kafka {@code content-type}
   * header.
   */
  public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

  /** A new event with a fresh id and the current time. */
  public static CloudEvent of(
      String source, EventType type, String subject, String tenant, JsonNode data) {
    if (!source.matches(SOURCE)) {
      throw new IllegalArgumentException(
          "event source '" + source + "' must be /<module>, like /cluster-service");
    }
    return new CloudEvent(
        SPEC_VERSION,
        UUID.randomUUID().toString(),
        source,
        type.value(),
        Instant.now(),
        subject,
        tenant,
        "application/json",
        type.dataschema(),
        data);
  }

  public String toJson(JsonMapper mapper) {
    return mapper.writeValueAsString(this);
  }

  public static CloudEvent fromJson(JsonMapper mapper, String json) {
    return mapper.readValue(json, CloudEvent.class);
  }

  /**
   * A consumed record's value as an event.
   *
   * @throws UnreadableEventException when it is not a CloudEvent: a consumer logs and skips it
   */
  public static CloudEvent read(JsonMapper mapper, String json) {
    try {
      return fromJson(mapper, json);
    } catch (JacksonException e) {
      throw new UnreadableEventException("not a CloudEvent: " + e.getOriginalMessage());
    }
  }
}
