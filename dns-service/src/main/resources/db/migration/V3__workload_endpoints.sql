-- The ready addresses of each workload's Service per Kubernetes cluster, from endpoint-events:
-- a workload's name points at their union over every cluster.
CREATE TABLE workload_endpoints (
  tenant      VARCHAR(63)   NOT NULL,
  service     VARCHAR(63)   NOT NULL,
  cluster     VARCHAR(63)   NOT NULL,
  application VARCHAR(63)   NOT NULL,
  addresses   VARCHAR(16000) NOT NULL,
  updated_at  TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (tenant, service, cluster)
);
