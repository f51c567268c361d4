-- Web shell sessions, kept whole for replay: what the user typed and what the container answered.
CREATE TABLE shell_session (
  id         CHAR(36)      NOT NULL PRIMARY KEY,
  user_name  VARCHAR(255)  NOT NULL,
  tenant     VARCHAR(63)   NOT NULL,
  cluster    VARCHAR(63)   NOT NULL,
  namespace  VARCHAR(63)   NOT NULL,
  pod        VARCHAR(253)  NOT NULL,
  container  VARCHAR(63)   NULL,
  started_at TIMESTAMP(6)  NOT NULL,
  ended_at   TIMESTAMP(6)  NULL,
  KEY ix_shell_session_tenant (tenant, started_at)
) ENGINE = InnoDB;

CREATE TABLE shell_record (
  session_id CHAR(36)  NOT NULL,
  seq        INT       NOT NULL,
  offset_ms  BIGINT    NOT NULL,
  -- i: typed by the user, o: stdout, e: stderr
  stream     CHAR(1)   NOT NULL,
  data       TEXT      NOT NULL,
  PRIMARY KEY (session_id, seq),
  CONSTRAINT fk_shell_record FOREIGN KEY (session_id) REFERENCES shell_session (id) ON DELETE CASCADE
) ENGINE = InnoDB;
