-- Zones the platform may manage, and the BIND server each is pushed to.
CREATE TABLE dns_zone (
  name        VARCHAR(253) NOT NULL PRIMARY KEY,
  server      VARCHAR(255) NOT NULL,
  tsig_key    VARCHAR(63)  NOT NULL,
  default_ttl INT          NOT NULL,
  created_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;
