-- The first wave's placeholder, never written to: builds now run from configurations.
DROP TABLE build;

-- One row per build: the configuration as it was when triggered, where it stands, what it made.
CREATE TABLE build (
  id               BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant           VARCHAR(63)    NOT NULL,
  configuration    VARCHAR(63)    NOT NULL,
  -- per configuration, from 1
  number           BIGINT         NOT NULL,
  spec             JSON           NOT NULL,
  -- QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED
  status           VARCHAR(16)    NOT NULL,
  trigger_type     VARCHAR(16)    NOT NULL,
  requested_by     VARCHAR(255)   NOT NULL,
  executor         VARCHAR(16)    NOT NULL,
  -- the instance running it, so that a restarted instance knows what it left unfinished
  runner           VARCHAR(255)   NULL,
  cancel_requested BOOLEAN        NOT NULL DEFAULT FALSE,
  commit_sha       VARCHAR(40)    NULL,
  image            VARCHAR(512)   NULL,
  digest           VARCHAR(71)    NULL,
  error            VARCHAR(1024)  NULL,
  created_at       TIMESTAMP(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  started_at       TIMESTAMP(6)   NULL,
  finished_at      TIMESTAMP(6)   NULL,
  UNIQUE KEY uk_build_number (tenant, configuration, number),
  KEY ix_build_status (status, created_at)
) ENGINE = InnoDB;

-- The steps of a build (clone, compile, image, push) with their timings.
CREATE TABLE build_step (
  build_id    BIGINT         NOT NULL,
  step        VARCHAR(16)    NOT NULL,
  -- RUNNING, SUCCEEDED, FAILED, CANCELLED
  status      VARCHAR(16)    NOT NULL,
  started_at  TIMESTAMP(6)   NOT NULL,
  finished_at TIMESTAMP(6)   NULL,
  PRIMARY KEY (build_id, step),
  CONSTRAINT fk_build_step FOREIGN KEY (build_id) REFERENCES build (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- A build's log in chunks, in order; kept with the build after its containers are gone.
CREATE TABLE build_log (
  build_id BIGINT      NOT NULL,
  seq      INT         NOT NULL,
  content  MEDIUMTEXT  NOT NULL,
  PRIMARY KEY (build_id, seq),
  CONSTRAINT fk_build_log FOREIGN KEY (build_id) REFERENCES build (id) ON DELETE CASCADE
) ENGINE = InnoDB;
