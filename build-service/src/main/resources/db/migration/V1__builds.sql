-- One row per build: what was built, from where, and how it ended.
CREATE TABLE build (
  id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant      VARCHAR(63)   NOT NULL,
  application VARCHAR(63)   NOT NULL,
  service     VARCHAR(63)   NOT NULL,
  git_url     VARCHAR(512)  NOT NULL,
  git_ref     VARCHAR(255)  NOT NULL,
  status      VARCHAR(16)   NOT NULL,
  image       VARCHAR(512)  NULL,
  created_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  finished_at TIMESTAMP(6)  NULL,
  KEY ix_build_tenant_service (tenant, application, service, created_at)
) ENGINE = InnoDB;
