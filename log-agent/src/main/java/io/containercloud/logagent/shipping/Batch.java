package io.containercloud.logagent.shipping;

import io.containercloud.logagent.checkpoint.Checkpoint;
import io.containercloud.logagent.checkpoint.FileIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records for one {@code _bulk} request, and what their files' checkpoints become once it and every
 * batch before it are in Elasticsearch.
 */
public final class Batch {

  /** One record: where it goes and its id there (its file's identity and its offset). */
  public record Entry(String index, String id, LogDocument document, int size) {}

  private final long created = System.nanoTime();
  private final List<Entry> entries = new ArrayList<>();
  private final Map<FileIdentity, Checkpoint> marks = new LinkedHashMap<>();
  private final List<FileIdentity> releases = new ArrayList<>();
  private long bytes;

  public void add(Entry entry) {
    entries.add(entry);
    bytes += entry.size();
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
    return entries.isEmpty() && marks.isEmpty() && releases.isEmpty();
  }

  public int records() {
    return entries.size();
  }

  public long bytes() {
    return bytes;
  }

  /** How long ago it was begun. */
  public long ageNanos() {
    return System.nanoTime() - created;
  }

  List<Entry> entries() {
    return entries;
  }

  Collection<Checkpoint> marks() {
    return marks.values();
  }

  List<FileIdentity> releases() {
    return releases;
  }
}
