-- The clusters this platform places workloads on. Credentials are stored encrypted (AES-GCM)
-- and never leave the service in clear.
CREATE TABLE cluster_registration (
  name                 VARCHAR(63)   NOT NULL PRIMARY KEY,
  machine_room         VARCHAR(63)   NOT NULL,
  labels               JSON          NOT NULL,
  kubeconfig_encrypted BLOB          NOT NULL,
  created_at           TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at           TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;
