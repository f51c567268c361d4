package io.containercloud.common.schema;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The tables platform-common itself needs (outbox, processed events), migrated by Flyway into a
 * history table of their own, {@code platform_schema_history}.
 *
 * <p>Keeping them apart from the service's migrations means a shared table can change in a later
 * release without clashing with a service's version numbers. It runs after the service's own
 * Flyway, which therefore always sees the schema it created; this one baselines at version 0 on a
 * schema that already holds the service's tables.
 */
public final class PlatformSchema {

  PlatformSchema(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/platform")
        .table("platform_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }
}
