package io.containercloud.common.idempotency;

import io.containercloud.common.loop.BackgroundLoop;
import io.containercloud.common.schema.PlatformSchema;
import java.time.Duration;
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
 * IdempotencyFilter}), after Spring Security (the key belongs to the caller's tenant).
 */
@AutoConfiguration(
    after = {
      DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
class IdempotencyAutoConfiguration {

  // after the security filter chain (order -100), before the dispatcher
  private static final int ORDER = 0;

  @Bean
  FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
      DataSource dataSource,
      PlatformTransactionManager transactions,
      JsonMapper json,
      PlatformSchema schema) {
    FilterRegistrationBean<IdempotencyFilter> registration =
        new FilterRegistrationBean<>(
            new IdempotencyFilter(
                new IdempotencyKeys(
                    new JdbcTemplate(dataSource), new TransactionTemplate(transactions)),
                json));
    registration.setOrder(ORDER);
    return registration;
  }

  /** Forgets keys older than a day, every ten minutes. */
  @Bean
  BackgroundLoop idempotencyKeyExpiry(
      DataSource dataSource, PlatformTransactionManager transactions, PlatformSchema schema) {
    IdempotencyKeys keys =
        new IdempotencyKeys(new JdbcTemplate(dataSource), new TransactionTemplate(transactions));
    return new BackgroundLoop(
        "idempotency-key-expiry",
        Duration.ofMinutes(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10)) {
      @Override
      protected boolean round() {
        return keys.expire() == 1000;
      }
    };
  }
}
