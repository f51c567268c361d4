package io.containercloud.logagent.shipping;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A record as Elasticsearch stores it (the fields of the {@code container-logs} template). The
 * message is a JSON string, so whatever a container wrote (JSON, HTML, control characters) is
 * stored and shown as text.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogDocument(
    @JsonProperty("@timestamp") String timestamp,
    String message,
    String stream,
    String level,
    boolean truncated,
    String tenant,
    String app,
    String service,
    String cluster,
    String node,
    String namespace,
    String pod,
    String container,
    String source,
    long offset) {}
