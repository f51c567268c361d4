package io.containercloud.logagent.model;

import java.time.Instant;

/**
 * One record of a container's log: a line, or the lines a runtime split it into, or a Java stack
 * trace's lines, joined.
 *
 * @param time when its first line was written; for a line without a time, the last time before it
 *     (null when no line before it had one)
 * @param stream {@code stdout} or {@code stderr}
 * @param message its text, lines joined with {@code \n}
 * @param level the level it names near its start ({@code ERROR}, {@code WARN}, ...), or null
 * @param truncated cut at the agent's record cap
 * @param offset where its first line starts in its file: with the file's identity, its id
 * @param end where the line after its last one starts
 */
public record LogRecord(
    Instant time,
    String stream,
    String message,
    String level,
    boolean truncated,
    long offset,
    long end) {}
