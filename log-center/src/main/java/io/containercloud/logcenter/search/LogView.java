package io.containercloud.logcenter.search;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A record as callers see it: the message is a JSON string, shown as text, never interpreted.
 *
 * @param id its id, for its context
 * @param time when it was written, RFC 3339 with nanoseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogView(
    String id,
    String time,
    String message,
    String stream,
    String level,
    boolean truncated,
    String app,
    String service,
    String cluster,
    String node,
    String namespace,
    String pod,
    String container) {}
