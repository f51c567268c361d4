-- A stand-in for a service's domain table, and the effect a consumer applies per event.
CREATE TABLE widget (
  id   BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(64) NOT NULL
) ENGINE = InnoDB;

CREATE TABLE consumer_effect (
  event_id VARCHAR(64) NOT NULL PRIMARY KEY,
  applied  INT         NOT NULL
) ENGINE = InnoDB;
