package io.containercloud.common.schema;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

@AutoConfiguration(after = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
@ConditionalOnClass(Flyway.class)
@ConditionalOnBean(DataSource.class)
class PlatformSchemaAutoConfiguration {

  /** Waits for the service's own migrations, so the baseline lands on their schema. */
  @Bean
  PlatformSchema platformSchema(
      DataSource dataSource, ObjectProvider<FlywayMigrationInitializer> serviceMigrations) {
    serviceMigrations.ifAvailable(initializer -> {});
    return new PlatformSchema(dataSource);
  }
}
