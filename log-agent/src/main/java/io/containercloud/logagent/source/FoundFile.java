package io.containercloud.logagent.source;

import java.nio.file.Path;

/** A container's log file the pod log folder holds now. */
public record FoundFile(Path path, ContainerRef container) {}
