package io.containercloud.common.outbox;

import io.containercloud.common.event.TopicNames;
import io.containercloud.common.schema.PlatformSchema;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The outbox for services that own a database and publish to Kafka. */
@AutoConfiguration(
    after = {
      DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class,
      KafkaAutoConfiguration.class
    })
@ConditionalOnClass({JdbcTemplate.class, KafkaProducer.class})
@ConditionalOnBean({DataSource.class, KafkaProperties.class})
@EnableConfigurationProperties(OutboxProperties.class)
class OutboxAutoConfiguration {

  // Both beans take PlatformSchema only so that the shared tables exist before they run.

  @Bean
  @ConditionalOnProperty(prefix = "platform.outbox", name = "enabled", matchIfMissing = true)
  OutboxRelay outboxRelay(
      DataSource dataSource,
      PlatformTransactionManager transactions,
      KafkaProperties kafka,
      OutboxProperties properties,
      TopicNames topics,
      PlatformSchema schema,
      ObjectProvider<MeterRegistry> meters) {
    TransactionTemplate tx = new TransactionTemplate(transactions);
    tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    OutboxRelay relay =
        new OutboxRelay(
            jdbc, tx, () -> producer(kafka, properties), topics, properties, Clock.systemUTC());
    meters.ifAvailable(
        registry ->
            Gauge.builder("platform.outbox.pending", jdbc, OutboxAutoConfiguration::pending)
                .description("Outbox events not yet acknowledged by Kafka")
                .register(registry));
    return relay;
  }

  @Bean
  Outbox outbox(
      DataSource dataSource,
      JsonMapper mapper,
      OutboxProperties properties,
      ObjectProvider<OutboxRelay> relay,
      PlatformSchema schema) {
    Runnable wake = () -> relay.ifAvailable(OutboxRelay::wake);
    return new Outbox(new JdbcTemplate(dataSource), mapper, properties, wake);
  }

  private static double pending(JdbcTemplate jdbc) {
    Long n =
        jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE sent_at IS NULL", Long.class);
    return n == null ? 0 : n;
  }

  // Its own producer: ordering and durability must not depend on a service's producer settings.
  private static KafkaProducer<String, String> producer(
      KafkaProperties kafka, OutboxProperties properties) {
    Map<String, Object> config = kafka.buildProducerProperties();
    int timeoutMs = (int) properties.sendTimeout().toMillis();
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay-" + ProcessHandle.current().pid());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1_000, timeoutMs / 2));
    // longer than the relay waits: the relay gives up first and drops the producer (OutboxRelay)
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(2_000, timeoutMs * 2));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(config);
  }
}
