-- Vulnerability scan reports per image digest: attached through the API (the local platform's
-- scanners) or read from Harbor's scan_overview when Harbor announces a finished scan.
CREATE TABLE scan_report (
  digest      VARCHAR(71)   NOT NULL PRIMARY KEY,
  scanner     VARCHAR(128)  NOT NULL,
  -- {"Critical": 1, "High": 4, ...}, Harbor's severity names
  summary     JSON          NOT NULL,
  -- attached | harbor
  source      VARCHAR(16)   NOT NULL,
  registry    VARCHAR(63)   NULL,
  repository  VARCHAR(255)  NULL,
  scanned_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

-- Each tenant's image gate: whether its images need a passing scan to deploy, and the least
-- severity that fails one.
CREATE TABLE image_gate (
  tenant      VARCHAR(63)   NOT NULL PRIMARY KEY,
  enabled     BOOLEAN       NOT NULL,
  block_at    VARCHAR(16)   NOT NULL,
  version     BIGINT        NOT NULL DEFAULT 1,
  updated_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;
