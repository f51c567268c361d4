-- Applications: a tenant's named group of services started, stopped and upgraded together.
CREATE TABLE application (
  id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant     VARCHAR(63)  NOT NULL,
  name       VARCHAR(63)  NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_application_tenant_name (tenant, name)
) ENGINE = InnoDB;
