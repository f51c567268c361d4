package io.containercloud.logagent.source;

/**
 * Who wrote a container's log, stamped on each of its records. Fixed for a file once it is first
 * read, so a record shipped again after a crash lands where it landed before.
 *
 * @param tenant the pod's tenant label, or {@code _unassigned}
 * @param app the application it is part of, or null
 * @param service its service, or null
 */
public record ContainerMetadata(
    String tenant,
    String app,
    String service,
    String cluster,
    String node,
    String namespace,
    String pod,
    String container) {}
