-- The image registry of each machine room (the cluster it serves): where that room's workloads pull
-- from. The password is sealed with platform.build.secrets-key (AES-256-GCM, the registry's name as
-- associated data) and never leaves build-service.
CREATE TABLE image_registry (
  id          BIGINT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name        VARCHAR(63)     NOT NULL,
  room        VARCHAR(63)     NOT NULL,
  url         VARCHAR(300)    NOT NULL,
  kind        VARCHAR(16)     NOT NULL,
  username    VARCHAR(255)    NULL,
  password    VARBINARY(2048) NULL,
  created_at  TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at  TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_image_registry_name (name),
  UNIQUE KEY uk_image_registry_room (room)
) ENGINE = InnoDB;
