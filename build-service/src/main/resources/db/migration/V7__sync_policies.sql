-- A tenant's sync policies: which of its project's images go from one room's registry to others,
-- and when. Executions record each run, items each image and destination (retried with capped
-- backoff until done: a destination that is down catches up when it returns).
CREATE TABLE sync_policy (
  id            BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant        VARCHAR(63)   NOT NULL,
  name          VARCHAR(63)   NOT NULL,
  spec          JSON          NOT NULL,
  version       BIGINT        NOT NULL DEFAULT 1,
  last_run_at   TIMESTAMP(6)  NULL,
  created_at    TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at    TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_sync_policy (tenant, name)
) ENGINE = InnoDB;

CREATE TABLE sync_execution (
  id            BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  policy_id     BIGINT        NOT NULL,
  tenant        VARCHAR(63)   NOT NULL,
  policy        VARCHAR(63)   NOT NULL,
  policy_trigger VARCHAR(16)  NOT NULL,
  -- a full sync lists the source first: until then it has no items (null); a planning that
  -- failed is tried again at next_plan_at (a planner's claim holds it off meanwhile)
  planned_at    TIMESTAMP(6)  NULL,
  next_plan_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  plan_attempts INT           NOT NULL DEFAULT 0,
  error         VARCHAR(1024) NULL,
  created_at    TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ix_sync_execution_policy (policy_id, id),
  KEY ix_sync_execution_unplanned (planned_at, next_plan_at),
  CONSTRAINT fk_sync_execution FOREIGN KEY (policy_id) REFERENCES sync_policy (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE TABLE sync_item (
  id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  execution_id    BIGINT        NOT NULL,
  source          VARCHAR(63)   NOT NULL,
  destination     VARCHAR(63)   NOT NULL,
  repository      VARCHAR(255)  NOT NULL,
  tag             VARCHAR(128)  NOT NULL,
  action          VARCHAR(8)    NOT NULL,
  status          VARCHAR(16)   NOT NULL,
  digest          VARCHAR(71)   NULL,
  reason          VARCHAR(1024) NULL,
  bytes           BIGINT        NOT NULL DEFAULT 0,
  duration_ms     BIGINT        NOT NULL DEFAULT 0,
  attempts        INT           NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- the instance running it, until its lease ends unrenewed (it stopped): then anyone takes it
  runner          VARCHAR(255)  NULL,
  lease_until     TIMESTAMP(6)  NULL,
  updated_at      TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  KEY ix_sync_item_due (status, next_attempt_at),
  KEY ix_sync_item_execution (execution_id),
  CONSTRAINT fk_sync_item FOREIGN KEY (execution_id) REFERENCES sync_execution (id) ON DELETE CASCADE
) ENGINE = InnoDB;
