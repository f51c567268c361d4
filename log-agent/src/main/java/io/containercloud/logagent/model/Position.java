package io.containercloud.logagent.model;

import java.time.Instant;

/**
 * Where reading a file starts again so that it makes the same records as before: the offset of a
 * line, and the time of the last timed line before it, which a line without a time of its own
 * takes.
 *
 * @param offset where the line starts
 * @param lastTime the time of the last line before it that had one; null when none had
 */
public record Position(long offset, Instant lastTime) {

  /** The start of a file. */
  public static Position start() {
    return new Position(0, null);
  }
}
