package io.containercloud.common.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where an event skipped as unreadable is told, whichever listener or handler skipped it. */
public final class SkippedEvents {

  private static final Logger log = LoggerFactory.getLogger(SkippedEvents.class);

  private SkippedEvents() {}

  public static void unreadable(ConsumerRecord<?, ?> record, String why) {
    log.error(
        "skipped unreadable event at {}-{}@{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        why);
  }
}
