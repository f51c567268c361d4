package io.containercloud.logagent.shipping;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.containercloud.logagent.checkpoint.Checkpoint;
import io.containercloud.logagent.checkpoint.FileIdentity;
import io.containercloud.logagent.source.ContainerMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records for one {@code _bulk} request, written straight into its NDJSON body (an action line and
 * a document line each), and what their files' checkpoints become once it and every batch before it
 * are in Elasticsearch. Writing the body as records come keeps a batch to its bytes: no object per
 * record waits in the queue. The body's buffer comes from the {@link Shipper}'s pool and goes back
 * to it once the batch is stored.
 */
public final class Batch {

  private static final JsonFactory JSON = new JsonFactory();

  private final long created = System.nanoTime();
  private final Body body;
  private final Map<FileIdentity, Checkpoint> marks = new LinkedHashMap<>();
  private final List<FileIdentity> releases = new ArrayList<>();
  private int[] starts = new int[64];
  private int records;

  Batch(byte[] buffer) {
    body = new Body(buffer);
  }

  /** Who wrote a record, and the token of its file, as its document carries them. */
  public record Source(ContainerMetadata who, String file) {}

  /** Adds a record to go to {@code index} as {@code id}. */
  public void add(
      String index,
      String id,
      String time,
      String message,
      String stream,
      String level,
      boolean truncated,
      Source source,
      long offset) {
    if (records == starts.length) {
      starts = Arrays.copyOf(starts, records * 2);
    }
    starts[records++] = body.size();
    try (JsonGenerator out = JSON.createGenerator(body, JsonEncoding.UTF8)) {
      out.setRootValueSeparator(null); // NDJSON: the line breaks are written below
      out.writeStartObject();
      out.writeObjectFieldStart("create");
      out.writeStringField("_index", index);
      out.writeStringField("_id", id);
      out.writeEndObject();
      out.writeEndObject();
      out.writeRaw('\n');
      out.writeStartObject();
      out.writeStringField("@timestamp", time);
      out.writeStringField("message", message);
      out.writeStringField("stream", stream);
      if (level != null) {
        out.writeStringField("level", level);
      }
      out.writeBooleanField("truncated", truncated);
      ContainerMetadata who = source.who();
      field(out, "tenant", who.tenant());
      field(out, "app", who.app());
      field(out, "service", who.service());
      field(out, "cluster", who.cluster());
      field(out, "node", who.node());
      field(out, "namespace", who.namespace());
      field(out, "pod", who.pod());
      field(out, "container", who.container());
      field(out, "source", source.file());
      out.writeNumberField("offset", offset);
      out.writeEndObject();
      out.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
  }

  private static void field(JsonGenerator out, String name, String value) throws IOException {
    if (value != null) {
      out.writeStringField(name, value);
    }
  }

  /** Where {@code checkpoint}'s file stands once this batch is shipped (the last mark wins). */
  public void mark(Checkpoint checkpoint) {
    marks.put(checkpoint.identity(), checkpoint);
  }

  /** The file was read to its end and is gone: its checkpoint goes once this batch is shipped. */
  public void release(FileIdentity identity) {
    marks.remove(identity);
    releases.add(identity);
  }

  public boolean isEmpty() {
    return records == 0 && marks.isEmpty() && releases.isEmpty();
  }

  public int records() {
    return records;
  }

  public long bytes() {
    return body.size();
  }

  /** How long ago it was begun. */
  public long ageNanos() {
    return System.nanoTime() - created;
  }

  /** The request body. */
  byte[] body() {
    return body.buffer();
  }

  /** The body of the records at {@code positions} (0-based, ascending) only, to send again. */
  byte[] only(List<Integer> positions) {
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    for (int position : positions) {
      int from = starts[position];
      int to = position + 1 < records ? starts[position + 1] : body.size();
      again.write(body.buffer(), from, to - from);
    }
    return again.toByteArray();
  }

  Collection<Checkpoint> marks() {
    return marks.values();
  }

  List<FileIdentity> releases() {
    return releases;
  }

  /** The body's buffer, for another batch: this one's body is empty from now on. */
  byte[] detachBuffer() {
    return body.detach();
  }

  /**
   * A byte array output on a given buffer (grown if a record does not fit), read without a copy.
   */
  private static final class Body extends ByteArrayOutputStream {

    private static final byte[] NONE = new byte[0];

    Body(byte[] buffer) {
      super(0);
      buf = buffer;
    }

    byte[] buffer() {
      return buf;
    }

    byte[] detach() {
      byte[] buffer = buf;
      buf = NONE;
      count = 0;
      return buffer;
    }
  }
}
