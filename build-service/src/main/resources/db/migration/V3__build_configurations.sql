-- Build configurations: what to build from where, per tenant. The spec is the API's, as JSON.
CREATE TABLE build_configuration (
  id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant      VARCHAR(63)   NOT NULL,
  name        VARCHAR(63)   NOT NULL,
  spec        JSON          NOT NULL,
  version     BIGINT        NOT NULL DEFAULT 1,
  created_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_build_configuration (tenant, name)
) ENGINE = InnoDB;
