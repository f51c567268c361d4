-- Each tenant's account at the local registries (robot$<tenant>): its secret sealed with the
-- service's key. build-service's token service lets it push and pull the tenant's project only.
CREATE TABLE registry_robot (
  tenant      VARCHAR(63)     NOT NULL PRIMARY KEY,
  secret      VARBINARY(512)  NOT NULL,
  created_at  TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;
