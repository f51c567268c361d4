package io.containercloud.logagent.tail;

import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.logagent.checkpoint.Checkpoint;
import io.containercloud.logagent.checkpoint.Checkpoints;
import io.containercloud.logagent.checkpoint.FileIdentity;
import io.containercloud.logagent.model.LogLine;
import io.containercloud.logagent.model.LogRecord;
import io.containercloud.logagent.model.Position;
import io.containercloud.logagent.shipping.Batch;
import io.containercloud.logagent.shipping.Shipper;
import io.containercloud.logagent.shipping.ShippingProperties;
import io.containercloud.logagent.source.ContainerMetadata;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
  private final OpenFiles open;
  private final PodMetadata metadata;
  private final Checkpoints checkpoints;
  private final Shipper shipper;
  private final Clock clock;
  private final ByteBuffer buffer;
  private final Map<String, ByteRate> rates = new HashMap<>();
  private final Counter records;
  private final Counter bytesRead;
  private final Counter truncations;
  private final AtomicLong heldBack = new AtomicLong();
  private final MultiGauge lag;
  private final Thread thread;
  private Batch batch;
  private long nextLagRows;
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
    TailedFile.Format docker = new DockerJsonLines(mapper)::parse;
    this.open =
        new OpenFiles(
            folders,
            checkpoints,
            first -> first == '{' ? docker : LogLine::cri,
            properties.rescanInterval(),
            source.stateDir(),
            clock,
            meters);
    this.metadata = metadata;
    this.checkpoints = checkpoints;
    this.shipper = shipper;
    this.batch = shipper.newBatch();
    this.clock = clock;
    this.buffer =
        ByteBuffer.allocate(
            (int)
                Math.max(
                    properties.readChunk().toBytes(), properties.maxRecord().toBytes() + 65536));
    this.records = meters.counter("log.agent.records.read");
    this.bytesRead = meters.counter("log.agent.bytes.read");
    this.truncations = meters.counter("log.agent.truncations");
    meters.gauge("log.agent.held.back.bytes", heldBack);
    this.lag = MultiGauge.builder("log.agent.lag.bytes").baseUnit("bytes").register(meters);
    this.thread = new Thread(this::run, "log-tail");
  }

  public void start() throws IOException {
    open.start();
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        boolean progressed = readRound();
        if (!progressed || batch.ageNanos() >= shipping.linger().toNanos()) {
          seal();
        }
        if (System.nanoTime() >= nextLagRows) {
          updateLagRows();
          nextLagRows = System.nanoTime() + properties.rescanInterval().toNanos();
        }
        if (!progressed) {
          open.awaitWrite(properties.idleWait());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | IOException e) {
        log.error("reading container logs failed; going on after a pause", e);
        pause();
      }
    }
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
    file.start(from, source(from), maxChars());
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
    List<TailedFile> released = new ArrayList<>();
    for (TailedFile file : open.all()) {
      if (!file.started() && !startReading(file)) {
        continue;
      }
      long size = file.size();
      if (size < file.readTo) {
        flush(file);
        Checkpoint restarted = truncated(file.checkpoint.at(file.assembler.resume(file.readTo)));
        file.start(restarted, source(restarted), maxChars());
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
        released.add(file);
      }
    }
    released.forEach(open::release);
    heldBack.set(held);
    return progressed;
  }

  /**
   * Resumes a file from its checkpoint, or fixes who wrote a new one and writes its first
   * checkpoint; false while that is not known.
   */
  private boolean startReading(TailedFile file) {
    Optional<Checkpoint> known =
        checkpoints.all().stream().filter(c -> c.identity().equals(file.identity)).findFirst();
    if (known.isPresent()) {
      resume(file, known.get());
      return true;
    }
    Optional<ContainerMetadata> who = metadata.find(file.container, file.found);
    if (who.isEmpty()) {
      return false;
    }
    Checkpoint first =
        new Checkpoint(
            file.identity, 0, file.path.toString(), new Position(0, file.found), who.get());
    checkpoints.put(first);
    file.start(first, source(first), maxChars());
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
    Instant time = record.time() == null ? file.found : record.time();
    batch.add(
        ContainerLogIndex.name(file.shipsAs.who().tenant(), time),
        file.shipsAs.file() + "-" + Long.toString(record.offset(), 36),
        time.toString(),
        record.message(),
        record.stream(),
        record.level(),
        record.truncated(),
        file.shipsAs,
        record.offset());
  }

  private boolean full() {
    return batch.records() >= shipping.batchRecords()
        || batch.bytes() >= shipping.batchSize().toBytes();
  }

  private void seal() throws InterruptedException {
    if (!batch.isEmpty()) {
      shipper.submit(batch);
      batch = shipper.newBatch();
    }
  }

  /** Who wrote the file's records, and the token their ids start with. */
  private Batch.Source source(Checkpoint checkpoint) {
    return new Batch.Source(checkpoint.metadata(), sourceToken(checkpoint));
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
    Map<Tags, MultiGauge.Row<?>> rows = new LinkedHashMap<>();
    for (TailedFile file : open.all()) {
      if (file.started()) {
        Tags tags =
            Tags.of(
                "namespace", file.container.namespace(),
                "pod", file.container.pod(),
                "container", file.container.container(),
                "file", file.path.getFileName().toString());
        rows.put(tags, MultiGauge.Row.of(tags, file, this::lagOf));
      }
    }
    lag.register(List.copyOf(rows.values()), true);
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
    open.close();
  }
}
