package io.containercloud.common.consumer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * How every service's listeners fail: a failure that may pass (the database is away) is retried
 * with capped exponential backoff for as long as it takes, so no event is lost; an {@link
 * UnreadableEventException} is logged and skipped.
 */
@AutoConfiguration
@ConditionalOnClass(DefaultErrorHandler.class)
class KafkaErrorHandlingAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(CommonErrorHandler.class)
  DefaultErrorHandler kafkaErrorHandler() {
    ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
    backOff.setMaxInterval(30_000);
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            (record, e) -> SkippedEvents.unreadable(record, e.getMessage()), backOff);
    handler.addNotRetryableExceptions(UnreadableEventException.class);
    return handler;
  }
}
