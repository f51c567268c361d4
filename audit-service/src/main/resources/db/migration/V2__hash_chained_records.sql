-- The audit trail, append-only and hash-chained per tenant. V1's table held no data anywhere; it
-- is replaced so the payload keeps the exact text that was hashed (a JSON column would
-- re-serialize it and break the hash).
DROP TABLE audit_record;

CREATE TABLE audit_record (
  id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id       VARCHAR(64)   NOT NULL,
  tenant         VARCHAR(63)   NOT NULL,
  chain_seq      BIGINT        NOT NULL,
  occurred_at    DATETIME(6)   NOT NULL, -- UTC
  recorded_at    TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  actor          VARCHAR(255)  NOT NULL,
  action         VARCHAR(255)  NOT NULL,
  service        VARCHAR(63)   NOT NULL,
  method         VARCHAR(10)   NULL,
  status         INT           NULL,
  target_id      VARCHAR(255)  NULL,
  payload        MEDIUMTEXT    NOT NULL,
  prev_hash      CHAR(64)      NOT NULL,
  hash           CHAR(64)      NOT NULL,
  UNIQUE KEY uk_audit_event (event_id),
  UNIQUE KEY uk_audit_chain (tenant, chain_seq),
  KEY ix_audit_tenant_time (tenant, occurred_at),
  KEY ix_audit_actor (actor, occurred_at),
  KEY ix_audit_target (target_id)
) ENGINE = InnoDB;

-- The end of each tenant's chain: appends lock it, and deleting the newest record is detectable.
CREATE TABLE audit_chain_head (
  tenant    VARCHAR(63) NOT NULL PRIMARY KEY,
  last_seq  BIGINT      NOT NULL,
  last_hash CHAR(64)    NOT NULL
) ENGINE = InnoDB;

-- Where a chain resumes after retention removed its oldest records: verification starts here.
CREATE TABLE audit_checkpoint (
  tenant      VARCHAR(63)  NOT NULL PRIMARY KEY,
  through_seq BIGINT       NOT NULL,
  last_hash   CHAR(64)     NOT NULL,
  created_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;
