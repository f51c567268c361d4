-- Outcomes of writes sent with an Idempotency-Key, per tenant; written in the same transaction as
-- the write itself, so a key is recorded exactly when its write committed. Kept for a day.
CREATE TABLE idempotency_key (
  tenant      VARCHAR(64)  NOT NULL,
  idem_key    VARCHAR(128) NOT NULL,
  fingerprint CHAR(64)     NOT NULL,
  status      INT          NOT NULL,
  headers     TEXT         NOT NULL,
  body        MEDIUMBLOB   NOT NULL,
  created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (tenant, idem_key),
  KEY ix_idempotency_created (created_at)
) ENGINE = InnoDB;
