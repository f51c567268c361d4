package io.containercloud.logcenter.search;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A record as log-agent stores it (the {@code container-logs} template's fields). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredRecord(
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
    long offset) {

  public LogView view(String id) {
    return new LogView(
        id, timestamp, message, stream, level, truncated, app, service, cluster, node, namespace,
        pod, container);
  }
}
