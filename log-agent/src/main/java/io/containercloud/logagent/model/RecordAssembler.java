package io.containercloud.logagent.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one file's lines into records, per stream: partial lines joined with what follows them, and
 * a Java stack trace's continuation lines (whitespace then {@code at }, {@code Caused by:}, {@code
 * Suppressed:}, {@code ... N more}) joined to the record they follow. A record is complete once a
 * line of its stream starts another one, or at {@link #flush()}. A record longer than {@code
 * maxChars} keeps its first {@code maxChars} characters and is flagged truncated; the rest of it is
 * read and dropped, so the next record starts where it should. A line without a time (a malformed
 * one) takes the time of the last line before it that had one, so that records keep their order and
 * their day; reading resumed at a {@link Position} makes the same records again.
 */
public final class RecordAssembler {

  private static final Pattern CONTINUATION =
      Pattern.compile("^(?:\\s+at |\\s*Caused by:|\\s*Suppressed:|\\s*\\.\\.\\. \\d+ more)");

  private static final Pattern LEVEL =
      Pattern.compile("\\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\\b");

  /** How far into a record its level is looked for. */
  private static final int LEVEL_WINDOW = 200;

  private final int maxChars;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private Instant lastTime;

  /** Reads a file from {@code from}, which {@link #resume} gave or {@link Position#start()}. */
  public RecordAssembler(int maxChars, Position from) {
    this.maxChars = maxChars;
    this.lastTime = from.lastTime();
  }

  /** Takes the next line of the file; returns the records it completed. */
  public List<LogRecord> add(LogLine line) {
    Pending open = pending.get(line.stream());
    if (open != null
        && (open.partial || (!line.partial() && CONTINUATION.matcher(line.message()).find()))) {
      if (!open.partial) {
        open.append("\n");
      }
      open.append(line.message());
      open.partial = line.partial();
      open.end = line.end();
      advance(line);
      return List.of();
    }
    pending.put(line.stream(), new Pending(line, lastTime));
    advance(line);
    return open == null ? List.of() : List.of(open.record());
  }

  /** Completes every record begun, in the order they began: no more lines are there for now. */
  public List<LogRecord> flush() {
    List<LogRecord> records = new ArrayList<>();
    pending.values().forEach(open -> records.add(open.record()));
    pending.clear();
    records.sort(Comparator.comparingLong(LogRecord::offset));
    return records;
  }

  /**
   * Where reading must start again to lose nothing once every completed record is shipped: the
   * start of the earliest record not yet complete, else {@code readTo} (the end of the last line
   * read).
   */
  public Position resume(long readTo) {
    Position at = new Position(readTo, lastTime);
    for (Pending open : pending.values()) {
      if (open.first.offset() < at.offset()) {
        at = new Position(open.first.offset(), open.timeBefore);
      }
    }
    return at;
  }

  private void advance(LogLine line) {
    if (line.time() != null) {
      lastTime = line.time();
    }
  }

  /** The level a record names near its start, as loggers print it. */
  static String level(String message) {
    Matcher level = LEVEL.matcher(message);
    level.region(0, Math.min(message.length(), LEVEL_WINDOW));
    if (!level.find()) {
      return null;
    }
    return level.group(1).equals("WARNING") ? "WARN" : level.group(1);
  }

  /** A record being assembled. */
  private final class Pending {

    private final LogLine first;
    private final Instant timeBefore;
    private final StringBuilder text = new StringBuilder();
    private boolean truncated;
    private boolean partial;
    private long end;

    Pending(LogLine line, Instant timeBefore) {
      this.first = line;
      this.timeBefore = timeBefore;
      this.partial = line.partial();
      this.end = line.end();
      append(line.message());
    }

    void append(String more) {
      int room = maxChars - text.length();
      if (more.length() > room) {
        text.append(more, 0, Math.max(0, room));
        truncated = true;
      } else {
        text.append(more);
      }
    }

    LogRecord record() {
      String message = text.toString();
      Instant time = first.time() == null ? timeBefore : first.time();
      return new LogRecord(
          time, first.stream(), message, level(message), truncated, first.offset(), end);
    }
  }
}
