package io.containercloud.logagent.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The checkpoints of the files being shipped, in one JSON file in the state folder, rewritten whole
 * and atomically (written beside, forced to disk, renamed over) on every change: a crash leaves
 * either the old file or the new one, never half of one. Released files leave it, so it holds no
 * more entries than files being read (Filebeat's registry grows without bound).
 */
public final class Checkpoints {

  private static final TypeReference<List<Checkpoint>> LIST = new TypeReference<>() {};

  private final Path file;
  private final Path next;
  private final JsonMapper mapper;
  private final Map<FileIdentity, Checkpoint> entries = new LinkedHashMap<>();

  public Checkpoints(Path stateDir, JsonMapper mapper) {
    this.file = stateDir.resolve("checkpoints.json");
    this.next = stateDir.resolve("checkpoints.json.next");
    this.mapper = mapper;
    try {
      Files.createDirectories(stateDir);
      if (Files.exists(file)) {
        mapper.readValue(file.toFile(), LIST).forEach(c -> entries.put(c.identity(), c));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized Collection<Checkpoint> all() {
    return List.copyOf(entries.values());
  }

  /** How far {@code identity}'s file is shipped, or 0 before it was taken on. */
  public synchronized long offset(FileIdentity identity) {
    Checkpoint checkpoint = entries.get(identity);
    return checkpoint == null ? 0 : checkpoint.position().offset();
  }

  /** Records a file taken on, or restarted after a truncation, before anything of it is read. */
  public synchronized void put(Checkpoint checkpoint) {
    entries.put(checkpoint.identity(), checkpoint);
    persist();
  }

  /**
   * Records how far files have been shipped, and drops the ones {@code released} (read to their
   * end, gone from the folder); an entry dropped meanwhile stays dropped.
   */
  public synchronized void commit(Collection<Checkpoint> moved, Collection<FileIdentity> released) {
    for (Checkpoint checkpoint : moved) {
      Checkpoint known = entries.get(checkpoint.identity());
      if (known != null && known.generation() == checkpoint.generation()) {
        entries.put(checkpoint.identity(), checkpoint);
      }
    }
    released.forEach(entries::remove);
    persist();
  }

  /** Drops a file found gone before it could be read to its end (its lines are lost). */
  public synchronized void drop(FileIdentity identity) {
    entries.remove(identity);
    persist();
  }

  private void persist() {
    try (FileChannel out =
        FileChannel.open(
            next,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(mapper.writeValueAsBytes(entries.values()));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
