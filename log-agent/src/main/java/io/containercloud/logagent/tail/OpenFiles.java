package io.containercloud.logagent.tail;

import io.containercloud.logagent.checkpoint.Checkpoint;
import io.containercloud.logagent.checkpoint.Checkpoints;
import io.containercloud.logagent.checkpoint.FileIdentity;
import io.containercloud.logagent.source.ContainerRef;
import io.containercloud.logagent.source.FoundFile;
import io.containercloud.logagent.source.PodLogFolders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log files the node holds, each opened as soon as it is found, on a thread of its own: while
 * reading waits for Elasticsearch, files are still found and opened, so a file rotated away,
 * compressed or deleted in the meantime is still read later through its open descriptor. Every
 * notification also wakes the reader.
 */
final class OpenFiles implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OpenFiles.class);
  private static final int FINGERPRINT_BYTES = 1024;
  private static final Duration RETRY = Duration.ofMillis(100);

  private final PodLogFolders folders;
  private final Checkpoints checkpoints;
  private final Function<Byte, TailedFile.Format> formats;
  private final Duration rescanInterval;
  private final Path scratch;
  private final Clock clock;
  private final Map<String, TailedFile> files = new ConcurrentHashMap<>();
  private final List<FoundFile> unopened = new ArrayList<>();
  private final Semaphore wake = new Semaphore(0);
  private final Counter goneWhileDown;
  private final Thread thread;
  private volatile boolean running = true;

  OpenFiles(
      PodLogFolders folders,
      Checkpoints checkpoints,
      Function<Byte, TailedFile.Format> formats,
      Duration rescanInterval,
      Path scratch,
      Clock clock,
      MeterRegistry meters) {
    this.folders = folders;
    this.scratch = scratch;
    this.checkpoints = checkpoints;
    this.formats = formats;
    this.rescanInterval = rescanInterval;
    this.clock = clock;
    this.goneWhileDown = meters.counter("log.agent.files.gone.while.down");
    meters.gauge("log.agent.files.open", files, Map::size);
    this.thread = new Thread(this::run, "log-discovery");
  }

  /**
   * Scans once, then follows. A checkpoint whose file went away while the agent was down is read on
   * from the file's compressed rotation when the folder still holds it, and dropped otherwise.
   */
  void start() throws IOException {
    reconcile(folders.scan());
    Set<FileIdentity> open = new HashSet<>();
    files.values().forEach(f -> open.add(f.identity));
    for (Checkpoint checkpoint : checkpoints.all()) {
      if (!open.contains(checkpoint.identity()) && !recoverCompressed(checkpoint)) {
        goneWhileDown.increment();
        log.warn(
            "{} went away while this agent was down; it was shipped up to byte {}, anything"
                + " written after that is lost",
            checkpoint.path(),
            checkpoint.position().offset());
        checkpoints.drop(checkpoint.identity());
      }
    }
    thread.start();
  }

  /**
   * Opens the compressed rotation of {@code checkpoint}'s file (the kubelet compresses a rotated
   * file at the next rotation and deletes the plain one), found by the checksum of its first line:
   * decompressed into the state folder, unlinked at once and read through its descriptor as a file
   * gone from the folder, under the checkpoint's identity, so its records keep their ids. False
   * when there is none.
   */
  private boolean recoverCompressed(Checkpoint checkpoint) throws IOException {
    Path folder = Path.of(checkpoint.path()).getParent();
    Optional<ContainerRef> container = ContainerRef.of(folder);
    if (container.isEmpty() || !Files.isDirectory(folder)) {
      return false;
    }
    List<Path> compressed;
    try (Stream<Path> children = Files.list(folder)) {
      compressed = children.filter(p -> p.getFileName().toString().endsWith(".gz")).toList();
    }
    for (Path candidate : compressed) {
      ByteBuffer head = ByteBuffer.allocate(FINGERPRINT_BYTES);
      try (InputStream in = new GZIPInputStream(Files.newInputStream(candidate))) {
        head.position(in.readNBytes(head.array(), 0, FINGERPRINT_BYTES));
      } catch (IOException e) {
        log.warn("cannot read {}: {}", candidate, e.toString());
        continue;
      }
      Long fingerprint = fingerprint(head);
      if (fingerprint == null || fingerprint != checkpoint.identity().fingerprint()) {
        continue;
      }
      Path copy = Files.createTempFile(scratch, "recovered-", ".log");
      FileChannel channel;
      try {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(candidate))) {
          Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        channel = FileChannel.open(copy, StandardOpenOption.READ);
      } finally {
        Files.delete(copy);
      }
      TailedFile file =
          new TailedFile(
              checkpoint.identity(),
              container.get(),
              candidate,
              channel,
              formats.apply(head.get(0)),
              clock.instant());
      file.gone = true;
      files.put("compressed:" + checkpoint.identity(), file);
      log.info(
          "{} went away while this agent was down; reading it on from byte {} of {}",
          checkpoint.path(),
          checkpoint.position().offset(),
          candidate);
      return true;
    }
    return false;
  }

  Collection<TailedFile> all() {
    return files.values();
  }

  void release(TailedFile file) {
    files.values().remove(file);
    file.close();
  }

  /** Waits up to {@code timeout} for a file to be found or written. */
  void awaitWrite(Duration timeout) throws InterruptedException {
    if (wake.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      wake.drainPermits();
    }
  }

  private void run() {
    long nextScan = System.nanoTime() + rescanInterval.toNanos();
    while (running) {
      try {
        Duration wait =
            unopened.isEmpty()
                ? Duration.ofNanos(Math.max(0, nextScan - System.nanoTime()))
                : RETRY;
        boolean structure = folders.changed(wait);
        if (structure || System.nanoTime() >= nextScan) {
          reconcile(folders.scan());
          nextScan = System.nanoTime() + rescanInterval.toNanos();
        } else if (!unopened.isEmpty()) {
          List<FoundFile> again = List.copyOf(unopened);
          unopened.clear();
          for (FoundFile file : again) {
            open(file);
          }
        }
        wake.release();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        log.error("following the pod log folder failed; going on", e);
      }
    }
  }

  /** Opens the files found, and marks the open ones no longer there as gone. */
  private void reconcile(List<FoundFile> found) throws IOException {
    Set<String> present = new HashSet<>();
    unopened.clear();
    for (FoundFile file : found) {
      String key = key(file.path());
      if (key == null) {
        continue;
      }
      present.add(key);
      TailedFile open = files.get(key);
      if (open == null) {
        open(file);
      } else {
        open.path = file.path();
      }
    }
    files.forEach((key, file) -> file.gone = !present.contains(key)); // recovered ones stay gone
  }

  /** Opens a file found, unless it has no first line yet: then it is tried again shortly. */
  private void open(FoundFile found) throws IOException {
    FileChannel channel;
    String key;
    try {
      channel = FileChannel.open(found.path(), StandardOpenOption.READ);
      key = key(found.path());
    } catch (NoSuchFileException e) {
      return;
    }
    ByteBuffer head = ByteBuffer.allocate(FINGERPRINT_BYTES);
    channel.read(head, 0);
    Long fingerprint = fingerprint(head);
    if (key == null || fingerprint == null || files.containsKey(key)) {
      channel.close();
      if (key != null && fingerprint == null) {
        unopened.add(found);
      }
      return;
    }
    String[] deviceAndInode = key.split(":");
    FileIdentity identity =
        new FileIdentity(
            Long.parseLong(deviceAndInode[0]), Long.parseLong(deviceAndInode[1]), fingerprint);
    files.put(
        key,
        new TailedFile(
            identity,
            found.container(),
            found.path(),
            channel,
            formats.apply(head.get(0)),
            clock.instant()));
  }

  /** The file's device and inode, or null when it is gone already. */
  private static String key(Path path) throws IOException {
    try {
      Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino");
      return attributes.get("dev") + ":" + attributes.get("ino");
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** A checksum of the first line (or first 1 KiB), or null before the file has either. */
  private static Long fingerprint(ByteBuffer head) {
    int length = head.position();
    int end = -1;
    for (int i = 0; i < length; i++) {
      if (head.get(i) == '\n') {
        end = i + 1;
        break;
      }
    }
    if (end < 0 && length < FINGERPRINT_BYTES) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(head.array(), 0, end < 0 ? length : end);
    return crc.getValue();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
    files.values().forEach(TailedFile::close);
  }
}
