package io.containercloud.logagent.shipping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.logagent.checkpoint.Checkpoints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Ships batches to Elasticsearch's {@code _bulk} API with {@code create} operations, a few requests
 * in flight, and moves checkpoints in the order batches were made: a file's checkpoint passes a
 * record only once that record and every one before it are stored.
 *
 * <p>A record's id is its file's identity and offset, so a record sent twice (a retry, a restart
 * from an older checkpoint) is refused as a conflict (409), which counts as stored: nothing is
 * duplicated. A failed request, or items refused for load (429) or by a failing node (5xx), is
 * retried with a capped, doubling wait until it goes through; reading waits meanwhile, because
 * {@link #submit} blocks once the queue is full. An item refused for its content (another 4xx) can
 * never go through: it is counted as dropped and logged, and should stay at 0.
 *
 * <p>Requests go through the low-level REST client of elasticsearch-java, with the body written as
 * records come (see {@link Batch}) and the answer filtered to the items' statuses and read as a
 * stream: building an operation object per record and reading back every item's full answer cost
 * three times the CPU (bench/logs).
 */
public final class Shipper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Shipper.class);
  private static final int CONFLICT = 409;
  private static final int TOO_MANY_REQUESTS = 429;
  private static final ContentType NDJSON = ContentType.create("application/x-ndjson");
  private static final JsonFactory JSON = new JsonFactory();

  private final RestClient client;
  private final Checkpoints checkpoints;
  private final ShippingProperties properties;
  private final BlockingQueue<Numbered> queue;
  private final ExecutorService senders;
  private final Map<Long, Batch> shipped = new HashMap<>();
  private final BlockingQueue<byte[]> buffers;
  private final int bufferSize;
  private final Counter records;
  private final Counter bytes;
  private final Counter retries;
  private final Counter dropped;
  private long submitted;
  private long committed;
  private volatile boolean templateReady;
  private volatile boolean running = true;

  private record Numbered(long number, Batch batch) {}

  /** An item's answer: its HTTP status, and why when it was refused. */
  private record Outcome(int status, String reason) {}

  public Shipper(
      RestClient client,
      Checkpoints checkpoints,
      ShippingProperties properties,
      MeterRegistry meters) {
    this.client = client;
    this.checkpoints = checkpoints;
    this.properties = properties;
    this.queue = new ArrayBlockingQueue<>(properties.queue());
    // one body buffer per batch that can exist at once (queued, in flight, being filled), reused:
    // bodies live until Elasticsearch answers, so fresh ones would each be copied into the old
    // generation and collected there, about the whole heap once a second under load
    this.buffers = new ArrayBlockingQueue<>(properties.queue() + properties.senders() + 1);
    long size = properties.batchSize().toBytes();
    this.bufferSize = (int) Math.min(Integer.MAX_VALUE - 8, size + size / 8);
    this.records = meters.counter("log.agent.records.shipped");
    this.bytes = meters.counter("log.agent.bytes.shipped");
    this.retries = meters.counter("log.agent.retries");
    this.dropped = meters.counter("log.agent.dropped");
    meters.gauge("log.agent.batches.queued", queue, BlockingQueue::size);
    this.senders =
        Executors.newFixedThreadPool(
            properties.senders(), new CustomizableThreadFactory("log-ship-"));
    for (int i = 0; i < properties.senders(); i++) {
      senders.execute(this::send);
    }
  }

  /** A batch to fill, on a body buffer of an earlier batch when one is free. */
  public Batch newBatch() {
    byte[] buffer = buffers.poll();
    return new Batch(buffer != null ? buffer : new byte[bufferSize]);
  }

  /** Hands a batch over; blocks while the queue is full, which pauses reading. */
  public void submit(Batch batch) throws InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    queue.put(new Numbered(submitted++, batch));
  }

  private void send() {
    while (running) {
      try {
        Numbered next = queue.poll(200, TimeUnit.MILLISECONDS);
        if (next != null) {
          store(next.batch());
          buffers.offer(next.batch().detachBuffer());
          shipped(next);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void store(Batch batch) throws InterruptedException {
    if (batch.records() == 0) {
      return;
    }
    byte[] body = batch.body();
    int length = (int) batch.bytes();
    List<Integer> todo = null; // null: every record of the batch
    Duration wait = properties.retryMin();
    while (true) {
      try {
        ensureTemplate();
        List<Outcome> outcomes = post(body, length);
        todo = again(todo, outcomes, batch);
        if (todo.isEmpty()) {
          break;
        }
        log.warn("Elasticsearch refused {} records for now; sending them again", todo.size());
        body = batch.only(todo);
        length = body.length;
      } catch (IOException | RuntimeException e) {
        log.warn("cannot ship to Elasticsearch, retrying in {}: {}", wait, e.toString());
      }
      retries.increment();
      Thread.sleep(wait.toMillis());
      wait = min(wait.multipliedBy(2), properties.retryMax());
    }
    records.increment(batch.records());
    bytes.increment(batch.bytes());
  }

  private List<Outcome> post(byte[] body, int length) throws IOException {
    Request bulk = new Request("POST", "/_bulk");
    bulk.addParameter(
        "filter_path", "errors,items.*.status,items.*.error.type,items.*.error.reason");
    bulk.setEntity(new ByteArrayEntity(body, 0, length, NDJSON));
    Response response = client.performRequest(bulk);
    try (InputStream in = response.getEntity().getContent()) {
      return outcomes(in);
    }
  }

  /** The items' outcomes, in order; none when Elasticsearch says there were no errors. */
  private static List<Outcome> outcomes(InputStream in) throws IOException {
    List<Outcome> outcomes = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(in)) {
      boolean errors = false;
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("Elasticsearch's bulk answer is not an object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (name.equals("errors")) {
          errors = parser.getBooleanValue();
        } else if (name.equals("items")) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            outcomes.add(item(parser));
          }
        } else {
          parser.skipChildren();
        }
      }
      return errors ? outcomes : List.of();
    }
  }

  /** One item, {@code {"create":{"status":201}}} or with {@code error}. */
  private static Outcome item(JsonParser parser) throws IOException {
    int status = 0;
    String reason = null;
    int depth = 1;
    while (depth > 0) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_OBJECT) {
        depth++;
      } else if (token == JsonToken.END_OBJECT) {
        depth--;
      } else if (token == JsonToken.FIELD_NAME && parser.currentName().equals("status")) {
        parser.nextToken();
        status = parser.getIntValue();
      } else if (token == JsonToken.FIELD_NAME && parser.currentName().equals("reason")) {
        parser.nextToken();
        reason = parser.getText();
      }
    }
    return new Outcome(status, reason);
  }

  /**
   * The records to send again, as positions in the batch: refused for load or by a failing node.
   * {@code sent} are the positions sent (null: all of them, in order).
   */
  private List<Integer> again(List<Integer> sent, List<Outcome> outcomes, Batch batch) {
    List<Integer> again = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome outcome = outcomes.get(i);
      int position = sent == null ? i : sent.get(i);
      if (outcome.status() < 300 || outcome.status() == CONFLICT) {
        continue;
      }
      if (outcome.status() == TOO_MANY_REQUESTS || outcome.status() >= 500) {
        again.add(position);
      } else {
        dropped.increment();
        log.error(
            "Elasticsearch refused record {} of a batch for good: {} {}",
            position,
            outcome.status(),
            outcome.reason());
      }
    }
    return again;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private void ensureTemplate() throws IOException {
    if (!templateReady) {
      ContainerLogIndex.ensureTemplate(client);
      templateReady = true;
    }
  }

  /** Moves checkpoints for every batch shipped with all the batches before it. */
  private synchronized void shipped(Numbered done) {
    shipped.put(done.number(), done.batch());
    Batch next;
    while ((next = shipped.remove(committed)) != null) {
      checkpoints.commit(next.marks(), next.releases());
      committed++;
    }
  }

  /** Stops after the batches in flight; what is still queued is read again after a restart. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    senders.shutdown();
    if (!senders.awaitTermination(10, TimeUnit.SECONDS)) {
      senders.shutdownNow();
    }
  }
}
