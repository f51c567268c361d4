-- Every tagged manifest push a registry announced, once: its notifications are retried (the
-- distribution registry until answered, Harbor three times), and a push seen again publishes
-- nothing. Ascii and binary: the OCI grammar is ascii, and tags are case-sensitive.
CREATE TABLE image_push (
  id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  registry    VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  repository  VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  tag         VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  digest      VARCHAR(71)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  received_at TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_image_push (registry, repository, tag, digest)
) ENGINE = InnoDB;
