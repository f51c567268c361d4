-- The image gate as build-service announces it on image-events: each tenant's policy
-- (image.gate-changed), each digest's scan (image.scanned), and which digest each pushed tag
-- names (image.pushed), so a deploy by tag is checked against the image it stands for.
CREATE TABLE image_gate (
  tenant      VARCHAR(63)   NOT NULL PRIMARY KEY,
  enabled     BOOLEAN       NOT NULL,
  block_at    VARCHAR(16)   NOT NULL,
  updated_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE image_scan (
  digest      VARCHAR(71)   NOT NULL PRIMARY KEY,
  scanner     VARCHAR(128)  NOT NULL,
  summary     JSON          NOT NULL,
  scanned_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE image_tag (
  registry    VARCHAR(255)  NOT NULL,
  repository  VARCHAR(255)  NOT NULL,
  tag         VARCHAR(128)  NOT NULL,
  digest      VARCHAR(71)   NOT NULL,
  pushed_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (registry, repository, tag)
) ENGINE = InnoDB;
