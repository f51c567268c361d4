-- Shared tables of platform-common, versioned in their own history table (platform_schema_history)
-- so that they never collide with a service's own migrations.

-- Events written in the same transaction as the change they describe; the relay publishes them
-- in seq order and marks them sent.
CREATE TABLE outbox_event (
  seq        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id   VARCHAR(64)  NOT NULL,
  topic      VARCHAR(128) NOT NULL,
  event_key  VARCHAR(255) NOT NULL,
  payload    MEDIUMTEXT   NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  sent_at    TIMESTAMP(6) NULL,
  UNIQUE KEY uk_outbox_event_id (event_id),
  KEY ix_outbox_unsent (sent_at, seq)
) ENGINE = InnoDB;

-- Event ids each consumer has processed, written in the consumer's own transaction.
CREATE TABLE processed_event (
  consumer     VARCHAR(100) NOT NULL,
  event_id     VARCHAR(64)  NOT NULL,
  processed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (consumer, event_id),
  KEY ix_processed_at (processed_at)
) ENGINE = InnoDB;
