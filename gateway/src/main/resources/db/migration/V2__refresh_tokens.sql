-- Refresh tokens, stored only as SHA-256 hashes. Each use replaces the token; using a replaced
-- (or revoked) token again revokes all of that user's tokens, since it means it was stolen.
CREATE TABLE refresh_token (
  token_hash CHAR(64)     NOT NULL PRIMARY KEY,
  username   VARCHAR(64)  NOT NULL,
  tenant     VARCHAR(63)  NOT NULL,
  expires_at DATETIME(6)  NOT NULL,
  revoked_at DATETIME(6)  NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ix_refresh_user (username),
  CONSTRAINT fk_refresh_user FOREIGN KEY (username) REFERENCES app_user (username) ON DELETE CASCADE
) ENGINE = InnoDB;
