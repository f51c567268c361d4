package io.containercloud.logagent.source;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A container as its log folder names it: {@code <namespace>_<pod>_<uid>/<container>} under the pod
 * log folder. Neither namespaces, pod names nor uids hold an underscore.
 */
public record ContainerRef(String namespace, String pod, String uid, String container) {

  public static Optional<ContainerRef> of(Path containerFolder) {
    Path podFolder = containerFolder.getParent();
    if (podFolder == null) {
      return Optional.empty();
    }
    String[] parts = podFolder.getFileName().toString().split("_");
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ContainerRef(parts[0], parts[1], parts[2], containerFolder.getFileName().toString()));
  }
}
