-- A configuration's git push webhook: its secret sealed with platform.build.hooks.secrets-key
-- (AES-256-GCM, the configuration's tenant/name as associated data). Gone with its configuration.
CREATE TABLE build_webhook (
  configuration_id  BIGINT          NOT NULL PRIMARY KEY,
  secret            VARBINARY(512)  NOT NULL,
  rotated_at        TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT fk_build_webhook FOREIGN KEY (configuration_id)
    REFERENCES build_configuration (id) ON DELETE CASCADE
) ENGINE = InnoDB;
