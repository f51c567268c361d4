package io.containercloud.logagent.tail;

import io.containercloud.logagent.checkpoint.Checkpoint;
import io.containercloud.logagent.checkpoint.FileIdentity;
import io.containercloud.logagent.model.LogLine;
import io.containercloud.logagent.model.LogRecord;
import io.containercloud.logagent.model.RecordAssembler;
import io.containercloud.logagent.shipping.Batch;
import io.containercloud.logagent.source.ContainerRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * One log file being read, kept open from the moment it is found until it is released, so that a
 * file renamed, compressed or deleted behind the reader is still read to its end through its
 * descriptor (the kernel keeps a deleted file's data while it is open).
 */
final class TailedFile {

  /** How the runtime wrote the file's lines, known from its first byte. */
  interface Format {
    LogLine parse(String text, long offset, long end);
  }

  final FileIdentity identity;
  final ContainerRef container;
  final FileChannel channel;
  final Format format;
  final Instant found;
  volatile Path path;
  Checkpoint checkpoint;
  Batch.Source shipsAs;
  RecordAssembler assembler;
  long readTo;
  long lastRead = System.nanoTime();
  volatile boolean gone;

  TailedFile(
      FileIdentity identity,
      ContainerRef container,
      Path path,
      FileChannel channel,
      Format format,
      Instant found) {
    this.identity = identity;
    this.container = container;
    this.path = path;
    this.channel = channel;
    this.format = format;
    this.found = found;
  }

  /** Taken on: read from {@code checkpoint}'s position, records made with {@code maxChars}. */
  void start(Checkpoint checkpoint, Batch.Source shipsAs, int maxChars) {
    this.checkpoint = checkpoint;
    this.shipsAs = shipsAs;
    this.assembler = new RecordAssembler(maxChars, checkpoint.position());
    this.readTo = checkpoint.position().offset();
  }

  boolean started() {
    return checkpoint != null;
  }

  long size() throws IOException {
    return channel.size();
  }

  /**
   * Reads whole lines from {@code readTo}, about {@code limit} bytes of them, into records given to
   * {@code out}; returns the bytes consumed. A line longer than {@code buffer} is cut at its size.
   * When {@code last}, the file is gone and will not grow: a final line without a line break is
   * taken too.
   */
  long read(ByteBuffer buffer, long limit, boolean last, Consumer<LogRecord> out)
      throws IOException {
    long size = channel.size();
    if (size <= readTo) {
      return 0;
    }
    int wanted = (int) Math.min(Math.min(limit, size - readTo), buffer.capacity());
    int read = fill(buffer, wanted);
    int consumed = lines(buffer.array(), read, out);
    if (consumed == 0 && read < size - readTo && read < buffer.capacity()) {
      read = fill(buffer, (int) Math.min(size - readTo, buffer.capacity())); // a long line
      consumed = lines(buffer.array(), read, out);
    }
    if (consumed == 0 && read == buffer.capacity()) {
      consumed = line(buffer.array(), 0, read, false, out); // longer than any record kept: cut
    }
    if (last && consumed < read && readTo + read == size) {
      consumed += line(buffer.array(), consumed, read - consumed, false, out);
    }
    readTo += consumed;
    if (consumed > 0) {
      lastRead = System.nanoTime();
    }
    return consumed;
  }

  private int fill(ByteBuffer buffer, int wanted) throws IOException {
    buffer.clear().limit(wanted);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, readTo + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.position();
  }

  /** Turns the whole lines among the first {@code length} bytes into records. */
  private int lines(byte[] bytes, int length, Consumer<LogRecord> out) {
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        line(bytes, start, i - start, true, out);
        start = i + 1;
      }
    }
    return start;
  }

  /** One line; returns the bytes it took, its line break included when it has one. */
  private int line(byte[] bytes, int start, int length, boolean broken, Consumer<LogRecord> out) {
    String text = new String(bytes, start, length, StandardCharsets.UTF_8); // repairs bad UTF-8
    long offset = readTo + start;
    long end = offset + length + (broken ? 1 : 0);
    List<LogRecord> records = assembler.add(format.parse(text, offset, end));
    records.forEach(out);
    return length + (broken ? 1 : 0);
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a read-only descriptor loses nothing
    }
  }
}
