-- Each machine room's registry as build-service announced it (registry.registered/removed on
-- image-events): the host the platform knows it by, and the name the room's clusters pull by.
CREATE TABLE room_registry (
  room        VARCHAR(63)   NOT NULL PRIMARY KEY,
  name        VARCHAR(63)   NOT NULL,
  registry    VARCHAR(255)  NOT NULL,
  pull_host   VARCHAR(260)  NOT NULL,
  updated_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

-- What each room's registry is known to hold (image.pushed to it, image.synced into it): an
-- upgrade to a digest reaches a room only once its registry holds that digest.
CREATE TABLE room_image (
  room        VARCHAR(63)   NOT NULL,
  repository  VARCHAR(255)  NOT NULL,
  digest      VARCHAR(71)   NOT NULL,
  held_at     TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (room, repository, digest)
) ENGINE = InnoDB;

-- The last failed attempt to copy a repository into a room (image.sync-failed), shown by the
-- workloads that wait for it until the room holds what they wait for.
CREATE TABLE room_sync_failure (
  room        VARCHAR(63)   NOT NULL,
  repository  VARCHAR(255)  NOT NULL,
  tag         VARCHAR(128)  NOT NULL,
  digest      VARCHAR(71)   NULL,
  reason      VARCHAR(512)  NOT NULL,
  attempts    INT           NOT NULL,
  failed_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (room, repository)
) ENGINE = InnoDB;

-- why a cluster has not taken the workload's image yet (its room's registry lacks it), or NULL
ALTER TABLE workload_cluster ADD COLUMN waiting_for VARCHAR(1024) NULL;
