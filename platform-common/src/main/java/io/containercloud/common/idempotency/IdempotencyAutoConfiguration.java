package io.containercloud.common.idempotency;

import io.containercloud.common.schema.PlatformSchema;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} for the writes of servlet services with a database ({@link
 * IdempotencyFilter}), the outcomes kept in the service's own database ({@link IdempotencyKeys}).
 */
@AutoConfiguration(
    after = {
      DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
class IdempotencyAutoConfiguration {

  // PlatformSchema: the table exists before the first request
  @Bean
  IdempotencyKeys idempotencyKeys(
      DataSource dataSource, PlatformTransactionManager transactions, PlatformSchema schema) {
    return new IdempotencyKeys(new JdbcTemplate(dataSource), new TransactionTemplate(transactions));
  }

  @Bean
  FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
      IdempotencyKeys keys, JsonMapper json) {
    return IdempotencyFilter.registration(keys, json);
  }

  @Bean
  IdempotencyKeyExpiry idempotencyKeyExpiry(IdempotencyKeys keys) {
    return new IdempotencyKeyExpiry(keys);
  }
}
