-- Tenants, users and the roles each user holds in a tenant.
CREATE TABLE tenant (
  name       VARCHAR(63)  NOT NULL PRIMARY KEY,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE app_user (
  username      VARCHAR(64)  NOT NULL PRIMARY KEY,
  password_hash VARCHAR(100) NOT NULL,
  enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
  created_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE role_binding (
  username VARCHAR(64) NOT NULL,
  tenant   VARCHAR(63) NOT NULL,
  role     VARCHAR(32) NOT NULL,
  PRIMARY KEY (username, tenant, role),
  CONSTRAINT fk_binding_user FOREIGN KEY (username) REFERENCES app_user (username) ON DELETE CASCADE,
  CONSTRAINT fk_binding_tenant FOREIGN KEY (tenant) REFERENCES tenant (name)
) ENGINE = InnoDB;
