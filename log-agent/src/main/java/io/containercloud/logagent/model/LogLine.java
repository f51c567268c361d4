package io.containercloud.logagent.model;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One physical line of a container's log file as the runtime wrote it.
 *
 * @param time when the runtime wrote it; null when the line did not say (a malformed line)
 * @param stream {@code stdout} or {@code stderr}
 * @param partial the message goes on in the next line of the same stream (CRI {@code P})
 * @param message the text the container wrote, without the line break
 * @param offset where the line starts in its file
 * @param end where the next line starts
 */
public record LogLine(
    Instant time, String stream, boolean partial, String message, long offset, long end) {

  /**
   * A CRI line, {@code <RFC 3339 time> <stdout|stderr> <P|F> <message>}. A line that is not one (a
   * truncated write, another format) is kept whole as a full stdout line without a time: shown as
   * it was, never dropped.
   */
  public static LogLine cri(String text, long offset, long end) {
    int first = text.indexOf(' ');
    int second = first < 0 ? -1 : text.indexOf(' ', first + 1);
    int third = second < 0 ? -1 : text.indexOf(' ', second + 1);
    Instant time = third < 0 ? null : time(text.substring(0, first));
    String stream = third < 0 ? null : text.substring(first + 1, second);
    String tag = third < 0 ? null : text.substring(second + 1, third);
    if (time == null
        || !("stdout".equals(stream) || "stderr".equals(stream))
        || !("P".equals(tag) || "F".equals(tag))) {
      return malformed(text, offset, end);
    }
    return new LogLine(time, stream, tag.equals("P"), text.substring(third + 1), offset, end);
  }

  /** A line in no format this agent reads: kept whole, as a full stdout line without a time. */
  public static LogLine malformed(String text, long offset, long end) {
    return new LogLine(null, "stdout", false, text, offset, end);
  }

  private static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant(); // CRI-O writes a local offset
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
