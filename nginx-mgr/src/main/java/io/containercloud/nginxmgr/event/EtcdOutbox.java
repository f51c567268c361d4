package io.containercloud.nginxmgr.event;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.TopicNames;
import io.containercloud.common.loop.WakeableLoop;
import io.containercloud.nginx.model.NginxKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox of a service whose state lives in etcd: an event is a key under {@code
 * /nginx/v1/outbox/} written in the same transaction as the change it describes, and a relay
 * publishes the entries to Kafka in creation order, deleting each once Kafka acknowledged it. While
 * Kafka is down the entries wait in etcd; delivery is at least once (consumers are idempotent by
 * event id).
 *
 * <p>An entry records the topic's name on the broker, prefix included ({@link TopicNames}), not the
 * logical one: unlike a service's database, {@code /nginx/v1/} is shared by every nginx-mgr on the
 * etcd, tests and the local platform alike, and any relay may publish any entry, so the name must
 * be fixed by the writer.
 */
@Component
public class EtcdOutbox implements SmartLifecycle {

  static final String PREFIX = NginxKeys.ROOT + "outbox/";
  private static final int BATCH = 100;
  private static final long TIMEOUT_MS = 10_000;
  private static final RecordHeader CONTENT_TYPE =
      new RecordHeader(
          "content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));

  private final KV kv;
  private final KafkaTemplate<String, String> kafka;
  private final TopicNames topics;
  private final JsonMapper json;
  private final WakeableLoop loop;

  EtcdOutbox(Client etcd, KafkaTemplate<String, String> kafka, TopicNames topics, JsonMapper json) {
    this.kv = etcd.getKVClient();
    this.kafka = kafka;
    this.topics = topics;
    this.json = json;
    this.loop =
        new WakeableLoop(
            "etcd-outbox",
            this::relay,
            Duration.ofSeconds(2),
            Duration.ofMillis(500),
            Duration.ofSeconds(30));
  }

  /** One outbox entry, stored as JSON; {@code topic} is the name on the broker. */
  record Entry(String topic, String key, String event) {}

  /** The put that records {@code event}; commit it in the change's own transaction. */
  public Op entry(Topic topic, String key, CloudEvent event) {
    Entry entry = new Entry(topics.of(topic), key, event.toJson(json));
    return Op.put(
        bytes(PREFIX + UUID.randomUUID()),
        ByteSequence.from(json.writeValueAsBytes(entry)),
        PutOption.DEFAULT);
  }

  /** After a commit that wrote entries: publish now rather than at the next poll. */
  public void wake() {
    loop.wake();
  }

  /** Publishes the oldest entries in order; stops at the first Kafka did not acknowledge. */
  private boolean relay() {
    List<KeyValue> entries;
    try {
      entries =
          kv.get(
                  bytes(PREFIX),
                  GetOption.builder()
                      .isPrefix(true)
                      .withSortField(GetOption.SortTarget.CREATE)
                      .withSortOrder(GetOption.SortOrder.ASCEND)
                      .withLimit(BATCH)
                      .build())
              .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .getKvs();
      for (KeyValue stored : entries) {
        Entry entry = json.readValue(stored.getValue().getBytes(), Entry.class);
        kafka
            .send(
                new ProducerRecord<>(
                    entry.topic(), null, entry.key(), entry.event(), List.of(CONTENT_TYPE)))
            .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        // guarded: an entry another instance already published and removed is not touched
        kv.txn()
            .If(
                new Cmp(
                    stored.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(stored.getModRevision())))
            .Then(Op.delete(stored.getKey(), DeleteOption.builder().build()))
            .commit()
            .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      throw new IllegalStateException("outbox entries wait for etcd and Kafka", e);
    }
    return entries.size() == BATCH;
  }

  @Override
  public void start() {
    loop.start();
  }

  @Override
  public void stop() {
    loop.stop(Duration.ofSeconds(15));
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
