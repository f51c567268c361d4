-- Append-only audit trail; each record carries the hash of its tenant's previous record, so an
-- edited or deleted row breaks the chain.
CREATE TABLE audit_record (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id    VARCHAR(64)  NOT NULL,
  tenant      VARCHAR(63)  NOT NULL,
  chain_seq   BIGINT       NOT NULL,
  occurred_at TIMESTAMP(6) NOT NULL,
  actor       VARCHAR(255) NOT NULL,
  action      VARCHAR(255) NOT NULL,
  payload     JSON         NOT NULL,
  prev_hash   CHAR(64)     NOT NULL,
  hash        CHAR(64)     NOT NULL,
  UNIQUE KEY uk_audit_event (event_id),
  UNIQUE KEY uk_audit_chain (tenant, chain_seq)
) ENGINE = InnoDB;
