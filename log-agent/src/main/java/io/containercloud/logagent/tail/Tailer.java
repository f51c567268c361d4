package io.containercloud.logagent.tail;

import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.logagent.checkpoint.Checkpoint;
import io.containercloud.logagent.checkpoint.Checkpoints;
import io.containercloud.logagent.checkpoint.FileIdentity;
import io.containercloud.logagent.model.LogLine;
import io.containercloud.logagent.model.LogRecord;
import io.containercloud.logagent.model.Position;
import io.containercloud.logagent.shipping.Batch;
import io.containercloud.logagent.shipping.LogDocument;
import io.containercloud.logagent.shipping.Shipper;
import io.containercloud.logagent.shipping.ShippingProperties;
import io.containercloud.logagent.source.ContainerMetadata;
import io.containercloud.logagent.source.FoundFile;
import io.containercloud.logagent.source.PodLogFolders;
import io.containercloud.logagent.source.PodMetadata;
import io.containercloud.logagent.source.SourceProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the node's container log files into batches, on one thread: found by {@link PodLogFolders},
 * each file is opened at once and kept open until read to its end and gone from the folder; files
 * take turns of {@code read-chunk} bytes, within their pod's byte rate; a full batch is handed to
 * the {@link Shipper}, which blocks while Elasticsearch is behind, so reading pauses then and
 * memory stays bounded.
 *
 * <p>A file is known by device, inode and a checksum of its first line, so a rotation (a rename) is
 * the same file under a new name, read on to its end; a file that shrank was truncated and is read
 * again from its start under a new generation; a file's checkpoint, with the tenant it ships under,
 * is written before any of it is read. See DESIGN.md.
 */
public final class Tailer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Tailer.class);
  private static final int FINGERPRINT_BYTES = 1024;

  private final SourceProperties source;
  private final TailProperties properties;
  private final ShippingProperties shipping;
  private final PodLogFolders folders;
  private final PodMetadata metadata;
  private final Checkpoints checkpoints;
  private final Shipper shipper;
  private final Clock clock;
  private final TailedFile.Format cri = LogLine::cri;
  private final TailedFile.Format docker;
  private final ByteBuffer buffer;
  private final Map<String, TailedFile> files = new LinkedHashMap<>();
  private final Map<String, ByteRate> rates = new HashMap<>();
  private final Counter records;
  private final Counter bytesRead;
  private final Counter truncations;
  private final Counter lostFiles;
  private final AtomicLong heldBack = new AtomicLong();
  private final MultiGauge lag;
  private final Thread thread;
  private final List<FoundFile> unopened = new ArrayList<>();
  private Batch batch = new Batch();
  private long nextScan;
  private boolean firstScan = true;
  private volatile boolean running = true;

  public Tailer(
      SourceProperties source,
      TailProperties properties,
      ShippingProperties shipping,
      PodLogFolders folders,
      PodMetadata metadata,
      Checkpoints checkpoints,
      Shipper shipper,
      JsonMapper mapper,
      MeterRegistry meters,
      Clock clock) {
    this.source = source;
    this.properties = properties;
    this.shipping = shipping;
    this.folders = folders;
    this.metadata = metadata;
    this.checkpoints = checkpoints;
    this.shipper = shipper;
    this.clock = clock;
    this.docker = new DockerJsonLines(mapper)::parse;
    this.buffer =
        ByteBuffer.allocate(
            (int)
                Math.max(
                    properties.readChunk().toBytes(), properties.maxRecord().toBytes() + 65536));
    this.records = meters.counter("log.agent.records.read");
    this.bytesRead = meters.counter("log.agent.bytes.read");
    this.truncations = meters.counter("log.agent.truncations");
    this.lostFiles = meters.counter("log.agent.files.lost");
    meters.gauge("log.agent.held.back.bytes", heldBack);
    meters.gauge("log.agent.files.open", files, Map::size);
    this.lag = MultiGauge.builder("log.agent.lag.bytes").baseUnit("bytes").register(meters);
    this.thread = new Thread(this::run, "log-tail");
  }

  public void start() {
    thread.start();
  }

  private void run() {
    boolean rescan = true;
    while (running) {
      try {
        if (rescan || System.nanoTime() >= nextScan) {
          reconcile(folders.scan());
          nextScan = System.nanoTime() + properties.rescanInterval().toNanos();
        } else if (!unopened.isEmpty()) {
          List<FoundFile> again = List.copyOf(unopened);
          unopened.clear();
          for (FoundFile file : again) {
            open(file);
          }
        }
        boolean progressed = readRound();
        if (!progressed || batch.ageNanos() >= shipping.linger().toNanos()) {
          seal();
        }
        rescan = folders.changed(progressed ? Duration.ZERO : properties.idleWait());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | IOException e) {
        log.error("reading container logs failed; going on after a pause", e);
        pause();
      }
    }
  }

  /** Takes on the files found and marks the tracked ones no longer there as gone. */
  private void reconcile(List<FoundFile> found) throws IOException {
    Set<String> present = new HashSet<>();
    unopened.clear();
    for (FoundFile file : found) {
      String key = key(file.path());
      if (key == null) {
        continue;
      }
      present.add(key);
      TailedFile tracked = files.get(key);
      if (tracked == null) {
        open(file);
      } else {
        tracked.path = file.path();
      }
    }
    files.forEach((key, file) -> file.gone = !present.contains(key));
    if (firstScan) {
      firstScan = false;
      Set<FileIdentity> open = new HashSet<>();
      files.values().forEach(f -> open.add(f.identity));
      for (Checkpoint checkpoint : checkpoints.all()) {
        if (!open.contains(checkpoint.identity())) {
          lostFiles.increment();
          log.warn(
              "{} went away while this agent was down, {} bytes in: the rest of it is lost",
              checkpoint.path(),
              checkpoint.position().offset());
          checkpoints.drop(checkpoint.identity());
        }
      }
    }
    updateLagRows();
  }

  /** Opens a file found, unless it has no first line yet: then it is tried again next round. */
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
      if (fingerprint == null) {
        unopened.add(found);
      }
      return;
    }
    String[] deviceAndInode = key.split(":");
    FileIdentity identity =
        new FileIdentity(
            Long.parseLong(deviceAndInode[0]), Long.parseLong(deviceAndInode[1]), fingerprint);
    TailedFile.Format format = head.get(0) == '{' ? docker : cri;
    TailedFile file =
        new TailedFile(identity, found.container(), found.path(), channel, format, clock.instant());
    checkpoints.all().stream()
        .filter(c -> c.identity().equals(identity))
        .findFirst()
        .ifPresent(c -> resume(file, c));
    files.put(key, file);
  }

  private void resume(TailedFile file, Checkpoint checkpoint) {
    Checkpoint from = checkpoint;
    try {
      if (file.size() < checkpoint.position().offset()) {
        from = truncated(checkpoint);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    file.start(from, sourceToken(from), maxChars());
  }

  private Checkpoint truncated(Checkpoint checkpoint) {
    truncations.increment();
    log.warn("{} was truncated: reading it again from its start", checkpoint.path());
    Checkpoint restarted =
        new Checkpoint(
            checkpoint.identity(),
            checkpoint.generation() + 1,
            checkpoint.path(),
            new Position(0, checkpoint.position().lastTime()),
            checkpoint.metadata());
    checkpoints.put(restarted);
    return restarted;
  }

  /** One turn for every file; true when any of them gave something. */
  private boolean readRound() throws IOException, InterruptedException {
    boolean progressed = false;
    long held = 0;
    List<String> released = new ArrayList<>();
    for (Map.Entry<String, TailedFile> entry : files.entrySet()) {
      TailedFile file = entry.getValue();
      if (!file.started() && !takeOn(file)) {
        continue;
      }
      long size = file.size();
      if (size < file.readTo) {
        flush(file);
        Checkpoint restarted = truncated(file.checkpoint.at(file.assembler.resume(file.readTo)));
        file.start(restarted, sourceToken(restarted), maxChars());
      }
      ByteRate rate =
          rates.computeIfAbsent(
              file.container.uid(), uid -> new ByteRate(properties.podRate().toBytes()));
      long allowed = Math.min(properties.readChunk().toBytes(), rate.available());
      if (size > file.readTo && allowed <= 0) {
        held += size - file.readTo;
        continue;
      }
      long consumed = file.read(buffer, Math.max(allowed, 1), file.gone, r -> ship(file, r));
      if (consumed > 0) {
        progressed = true;
        rate.take(consumed);
        bytesRead.increment(consumed);
        batch.mark(file.checkpoint.at(file.assembler.resume(file.readTo)));
        if (full()) {
          seal();
        }
        continue;
      }
      long idle = System.nanoTime() - file.lastRead;
      if (idle >= properties.multilineFlush().toNanos()) {
        flush(file);
      }
      if (file.gone && size <= file.readTo && idle >= properties.releaseAfter().toNanos()) {
        flush(file);
        batch.release(file.identity);
        file.close();
        released.add(entry.getKey());
      }
    }
    released.forEach(files::remove);
    heldBack.set(held);
    return progressed;
  }

  /** Fixes who wrote the file and writes its first checkpoint; false while that is not known. */
  private boolean takeOn(TailedFile file) {
    Optional<ContainerMetadata> who = metadata.find(file.container, file.found);
    if (who.isEmpty()) {
      return false;
    }
    Checkpoint first =
        new Checkpoint(
            file.identity, 0, file.path.toString(), new Position(0, file.found), who.get());
    checkpoints.put(first);
    file.start(first, sourceToken(first), maxChars());
    return true;
  }

  /** Completes the records still open in a file that has stopped growing. */
  private void flush(TailedFile file) throws InterruptedException {
    List<LogRecord> open = file.assembler.flush();
    if (open.isEmpty()) {
      return;
    }
    open.forEach(r -> ship(file, r));
    batch.mark(file.checkpoint.at(file.assembler.resume(file.readTo)));
    if (full()) {
      seal();
    }
  }

  private void ship(TailedFile file, LogRecord record) {
    records.increment();
    ContainerMetadata who = file.checkpoint.metadata();
    Instant time = record.time() == null ? file.found : record.time();
    LogDocument document =
        new LogDocument(
            time.toString(),
            record.message(),
            record.stream(),
            record.level(),
            record.truncated(),
            who.tenant(),
            who.app(),
            who.service(),
            who.cluster(),
            who.node(),
            who.namespace(),
            who.pod(),
            who.container(),
            file.source,
            record.offset());
    batch.add(
        new Batch.Entry(
            ContainerLogIndex.name(who.tenant(), time),
            file.source + "-" + Long.toString(record.offset(), 36),
            document,
            record.message().length() + 300));
  }

  private boolean full() {
    return batch.records() >= shipping.batchRecords()
        || batch.bytes() >= shipping.batchSize().toBytes();
  }

  private void seal() throws InterruptedException {
    if (!batch.isEmpty()) {
      shipper.submit(batch);
      batch = new Batch();
    }
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

  /** What each record's id starts with: this file, on this node, in this generation. */
  private String sourceToken(Checkpoint checkpoint) {
    FileIdentity id = checkpoint.identity();
    String text =
        String.join(
            "/",
            source.cluster(),
            source.node(),
            Long.toString(id.device()),
            Long.toString(id.inode()),
            Long.toString(id.fingerprint()),
            Integer.toString(checkpoint.generation()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private int maxChars() {
    return (int) properties.maxRecord().toBytes();
  }

  private void updateLagRows() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (TailedFile file : files.values()) {
      if (file.started()) {
        rows.add(
            MultiGauge.Row.of(
                Tags.of(
                    "namespace", file.container.namespace(),
                    "pod", file.container.pod(),
                    "container", file.container.container(),
                    "file", file.path.getFileName().toString()),
                file,
                f -> lagOf(f)));
      }
    }
    lag.register(rows, true);
  }

  private double lagOf(TailedFile file) {
    try {
      return Math.max(0, file.size() - checkpoints.offset(file.identity));
    } catch (IOException e) {
      return 0;
    }
  }

  private void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops reading; what was read and not shipped is read again after a restart. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
    files.values().forEach(TailedFile::close);
  }
}
