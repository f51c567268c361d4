-- An application's definition and version (its ETag), and every version kept as history.
ALTER TABLE application
  ADD COLUMN description VARCHAR(500) NOT NULL DEFAULT '',
  ADD COLUMN services    LONGTEXT     NOT NULL DEFAULT ('[]'),
  ADD COLUMN version     BIGINT       NOT NULL DEFAULT 1,
  ADD COLUMN deleting    BOOLEAN      NOT NULL DEFAULT FALSE,
  ADD COLUMN updated_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  ADD COLUMN updated_by  VARCHAR(128) NOT NULL DEFAULT '';

CREATE TABLE application_version (
  application_id BIGINT       NOT NULL,
  version        BIGINT       NOT NULL,
  description    VARCHAR(500) NOT NULL,
  services       LONGTEXT     NOT NULL,
  changed_by     VARCHAR(128) NOT NULL,
  cause          VARCHAR(255) NOT NULL,
  changed_at     TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (application_id, version),
  CONSTRAINT fk_version_application FOREIGN KEY (application_id)
    REFERENCES application (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- One operation on an application: its plan of steps, stored before any call is made.
CREATE TABLE operation (
  id                  BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  application_id      BIGINT        NOT NULL,
  tenant              VARCHAR(63)   NOT NULL,
  application         VARCHAR(63)   NOT NULL,
  action              VARCHAR(16)   NOT NULL,
  application_version BIGINT        NOT NULL,
  state               VARCHAR(16)   NOT NULL,
  requested_by        VARCHAR(128)  NOT NULL,
  cause               VARCHAR(255)  NOT NULL,
  cancel_requested    BOOLEAN       NOT NULL DEFAULT FALSE,
  waiting_for         VARCHAR(1024) NULL,
  error               VARCHAR(2048) NULL,
  created_at          TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  started_at          TIMESTAMP(6)  NULL,
  finished_at         TIMESTAMP(6)  NULL,
  KEY ix_operation_application (application_id, state),
  KEY ix_operation_state (state)
) ENGINE = InnoDB;

CREATE TABLE operation_step (
  operation_id     BIGINT        NOT NULL,
  seq              INT           NOT NULL,
  layer            INT           NOT NULL,
  service          VARCHAR(63)   NOT NULL,
  workload         VARCHAR(63)   NOT NULL,
  action           VARCHAR(16)   NOT NULL,
  state            VARCHAR(16)   NOT NULL,
  calls            INT           NOT NULL DEFAULT 0,
  expected_version BIGINT        NULL,
  result_version   BIGINT        NULL,
  readiness        LONGTEXT      NULL,
  reason           VARCHAR(2048) NULL,
  started_at       TIMESTAMP(6)  NULL,
  finished_at      TIMESTAMP(6)  NULL,
  deadline         TIMESTAMP(6)  NULL,
  PRIMARY KEY (operation_id, seq),
  CONSTRAINT fk_step_operation FOREIGN KEY (operation_id) REFERENCES operation (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- What an operation's watchers are told, in order (SSE ids), so a reconnect resumes where it was.
CREATE TABLE operation_event (
  operation_id BIGINT       NOT NULL,
  seq          INT          NOT NULL,
  type         VARCHAR(32)  NOT NULL,
  data         LONGTEXT     NOT NULL,
  at           TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (operation_id, seq),
  CONSTRAINT fk_event_operation FOREIGN KEY (operation_id) REFERENCES operation (id) ON DELETE CASCADE
) ENGINE = InnoDB;
