-- Which cert-expiring notices were sent, so each threshold is announced once per certificate,
-- whichever instance leads.
CREATE TABLE certificate_notice (
  cluster     VARCHAR(63)   NOT NULL,
  certificate VARCHAR(16)   NOT NULL,
  not_after   TIMESTAMP(6)  NOT NULL,
  threshold   INT           NOT NULL,
  sent_at     TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (cluster, certificate, not_after, threshold)
) ENGINE = InnoDB;
