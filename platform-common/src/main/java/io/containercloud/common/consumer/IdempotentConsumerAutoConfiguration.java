package io.containercloud.common.consumer;

import io.containercloud.common.schema.PlatformSchema;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@AutoConfiguration(
    after = {
      DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class
    })
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean(DataSource.class)
class IdempotentConsumerAutoConfiguration {

  /** Takes {@link PlatformSchema} so that {@code processed_event} exists first. */
  @Bean
  IdempotentConsumer idempotentConsumer(
      DataSource dataSource, PlatformTransactionManager transactions, PlatformSchema schema) {
    return new IdempotentConsumer(
        new JdbcTemplate(dataSource), new TransactionTemplate(transactions));
  }
}
