-- The robot account of each tenant's project in each Harbor registry builds push to: made by
-- build-service through Harbor's API (Harbor shows a robot's secret once), the secret sealed.
CREATE TABLE harbor_robot (
  registry    VARCHAR(63)     NOT NULL,
  tenant      VARCHAR(63)     NOT NULL,
  username    VARCHAR(255)    NOT NULL,
  secret      VARBINARY(1024) NOT NULL,
  created_at  TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (registry, tenant)
) ENGINE = InnoDB;
