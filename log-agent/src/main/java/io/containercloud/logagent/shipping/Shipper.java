package io.containercloud.logagent.shipping;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.logagent.checkpoint.Checkpoints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
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
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Ships batches to Elasticsearch with {@code _bulk} {@code create} operations, a few requests in
 * flight, and moves checkpoints in the order batches were made: a file's checkpoint passes a record
 * only once that record and every one before it are stored.
 *
 * <p>A record's id is its file's identity and offset, so a record sent twice (a retry, a restart
 * from an older checkpoint) is refused as a conflict (409), which counts as stored: nothing is
 * duplicated. A failed request, or items refused for load (429) or by a failing node (5xx), is
 * retried with a capped, doubling wait until it goes through; reading waits meanwhile, because
 * {@link #submit} blocks once the queue is full. An item refused for its content (another 4xx) can
 * never go through: it is counted as dropped and logged, and should stay at 0.
 */
public final class Shipper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Shipper.class);
  private static final int CONFLICT = 409;
  private static final int TOO_MANY_REQUESTS = 429;

  private final ElasticsearchClient client;
  private final RestClient restClient;
  private final Checkpoints checkpoints;
  private final ShippingProperties properties;
  private final BlockingQueue<Numbered> queue;
  private final ExecutorService senders;
  private final Map<Long, Batch> shipped = new HashMap<>();
  private final Counter records;
  private final Counter bytes;
  private final Counter retries;
  private final Counter dropped;
  private long submitted;
  private long committed;
  private volatile boolean templateReady;
  private volatile boolean running = true;

  private record Numbered(long number, Batch batch) {}

  public Shipper(
      ElasticsearchClient client,
      RestClient restClient,
      Checkpoints checkpoints,
      ShippingProperties properties,
      MeterRegistry meters) {
    this.client = client;
    this.restClient = restClient;
    this.checkpoints = checkpoints;
    this.properties = properties;
    this.queue = new ArrayBlockingQueue<>(properties.queue());
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
          shipped(next);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void store(Batch batch) throws InterruptedException {
    List<Batch.Entry> todo = batch.entries();
    Duration wait = properties.retryMin();
    while (!todo.isEmpty()) {
      try {
        ensureTemplate();
        List<BulkOperation> operations = operations(todo);
        todo = refused(todo, client.bulk(b -> b.operations(operations)));
        if (todo.isEmpty()) {
          break;
        }
        log.warn("Elasticsearch refused {} records for now; sending them again", todo.size());
      } catch (Exception e) {
        log.warn("cannot ship to Elasticsearch, retrying in {}: {}", wait, e.toString());
      }
      retries.increment();
      Thread.sleep(wait.toMillis());
      wait = min(wait.multipliedBy(2), properties.retryMax());
    }
    records.increment(batch.records());
    bytes.increment(batch.bytes());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private void ensureTemplate() throws IOException {
    if (!templateReady) {
      ContainerLogIndex.ensureTemplate(restClient);
      templateReady = true;
    }
  }

  private static List<BulkOperation> operations(List<Batch.Entry> entries) {
    List<BulkOperation> operations = new ArrayList<>(entries.size());
    for (Batch.Entry entry : entries) {
      operations.add(
          BulkOperation.of(
              o ->
                  o.create(c -> c.index(entry.index()).id(entry.id()).document(entry.document()))));
    }
    return operations;
  }

  /** The entries to send again: refused for load or by a failing node. */
  private List<Batch.Entry> refused(List<Batch.Entry> sent, BulkResponse response) {
    if (!response.errors()) {
      return List.of();
    }
    List<Batch.Entry> again = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      BulkResponseItem item = response.items().get(i);
      if (item.error() == null || item.status() == CONFLICT) {
        continue;
      }
      if (item.status() == TOO_MANY_REQUESTS || item.status() >= 500) {
        again.add(sent.get(i));
      } else {
        dropped.increment();
        log.error(
            "Elasticsearch refused record {} in {} for good: {} {}",
            item.id(),
            item.index(),
            item.status(),
            item.error().reason());
      }
    }
    return again;
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
