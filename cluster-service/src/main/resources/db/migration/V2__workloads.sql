-- Desired state of each workload, and how its replicas are split over the clusters.
CREATE TABLE workload (
  id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant       VARCHAR(63)   NOT NULL,
  name         VARCHAR(63)   NOT NULL,
  spec         JSON          NOT NULL,
  image        VARCHAR(512)  NOT NULL,
  replicas     INT           NOT NULL,
  -- min, max, target CPU utilisation; NULL when the replica count is set by hand
  autoscale    JSON          NULL,
  -- ACTIVE, or DELETING until every cluster has dropped its objects
  state        VARCHAR(16)   NOT NULL DEFAULT 'ACTIVE',
  version      BIGINT        NOT NULL DEFAULT 1,
  created_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_workload_name (tenant, name)
) ENGINE = InnoDB;

-- One row per cluster a workload runs in: what the reconciler makes true there, and what it saw.
CREATE TABLE workload_cluster (
  workload_id     BIGINT         NOT NULL,
  cluster         VARCHAR(63)    NOT NULL,
  replicas        INT            NOT NULL,
  -- the image this cluster runs; an upgrade advances it one cluster at a time
  image           VARCHAR(512)   NOT NULL,
  ready           INT            NOT NULL DEFAULT 0,
  settled         BOOLEAN        NOT NULL DEFAULT FALSE,
  last_error      VARCHAR(1024)  NULL,
  failures        INT            NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMP(6)   NULL,
  reconciled_at   TIMESTAMP(6)   NULL,
  -- the ready pod addresses last announced on endpoint-events
  endpoints       JSON           NULL,
  PRIMARY KEY (workload_id, cluster),
  CONSTRAINT fk_workload_cluster FOREIGN KEY (workload_id) REFERENCES workload (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- Failover state per cluster, so a new leader continues where the last one stopped.
CREATE TABLE cluster_state (
  cluster       VARCHAR(63)   NOT NULL PRIMARY KEY,
  failed_at     TIMESTAMP(6)  NULL,
  reason        VARCHAR(512)  NULL,
  healthy_since TIMESTAMP(6)  NULL
) ENGINE = InnoDB;
