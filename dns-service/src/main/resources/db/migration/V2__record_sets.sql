-- Zones name their BIND server by host and port.
ALTER TABLE dns_zone
  CHANGE server server_host VARCHAR(255) NOT NULL,
  ADD COLUMN server_port INT NOT NULL DEFAULT 53 AFTER server_host;

-- Desired record sets (one per zone, name and type) and what was last applied to BIND.
-- Desired state here is the source of truth; BIND follows it.
CREATE TABLE dns_record_set (
  id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  zone            VARCHAR(253)  NOT NULL,
  name            VARCHAR(253)  NOT NULL,
  type            VARCHAR(8)    NOT NULL,
  ttl             INT           NOT NULL,
  record_values   JSON          NOT NULL,
  owner           VARCHAR(255)  NOT NULL,
  tenant          VARCHAR(63)   NOT NULL,
  version         BIGINT        NOT NULL,
  deleted         BOOLEAN       NOT NULL DEFAULT FALSE,
  -- what BIND holds as far as the platform knows; NULL: nothing of this set was applied
  applied_values  JSON          NULL,
  applied_ttl     INT           NULL,
  applied_version BIGINT        NOT NULL DEFAULT 0,
  applied_at      TIMESTAMP(6)  NULL,
  sync_status     VARCHAR(16)   NOT NULL,
  sync_error      VARCHAR(1024) NULL,
  attempts        INT           NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  created_at      TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at      TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_record_set (zone, name, type),
  KEY ix_record_set_sync (sync_status, next_attempt_at),
  KEY ix_record_set_owner (owner),
  CONSTRAINT fk_record_set_zone FOREIGN KEY (zone) REFERENCES dns_zone (name)
) ENGINE = InnoDB;
