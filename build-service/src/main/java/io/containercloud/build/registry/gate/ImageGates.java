package io.containercloud.build.registry.gate;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImageGateChanged;
import io.containercloud.common.outbox.Outbox;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each tenant's image gate, announced as {@code image.gate-changed} in the change's transaction.
 */
@Component
class ImageGates {

  private static final String SOURCE = "/build-service";

  private final JdbcTemplate jdbc;
  private final Outbox outbox;
  private final JsonMapper json;

  ImageGates(JdbcTemplate jdbc, Outbox outbox, JsonMapper json) {
    this.jdbc = jdbc;
    this.outbox = outbox;
    this.json = json;
  }

  /** A tenant's gate as stored; {@code version} is its ETag. */
  record Gate(String tenant, boolean enabled, String blockAt, long version, Instant updatedAt) {}

  Optional<Gate> find(String tenant) {
    return jdbc
        .query(
            "SELECT tenant, enabled, block_at, version, updated_at FROM image_gate WHERE tenant = ?",
            (rs, row) ->
                new Gate(
                    rs.getString("tenant"),
                    rs.getBoolean("enabled"),
                    rs.getString("block_at"),
                    rs.getLong("version"),
                    rs.getTimestamp("updated_at").toInstant()),
            tenant)
        .stream()
        .findFirst();
  }

  /**
   * Sets the tenant's gate unless {@code expectedVersion} (when given) is no longer current.
   *
   * @return false when the version did not match
   */
  @Transactional
  public boolean put(ImageGateChanged gate, Long expectedVersion) {
    int changed;
    if (expectedVersion == null) {
      changed =
          jdbc.update(
              "INSERT INTO image_gate (tenant, enabled, block_at) VALUES (?, ?, ?)"
                  + " ON DUPLICATE KEY UPDATE enabled = VALUES(enabled),"
                  + " block_at = VALUES(block_at), version = version + 1",
              gate.tenant(),
              gate.enabled(),
              gate.blockAt());
    } else {
      changed =
          jdbc.update(
              "UPDATE image_gate SET enabled = ?, block_at = ?, version = version + 1"
                  + " WHERE tenant = ? AND version = ?",
              gate.enabled(),
              gate.blockAt(),
              gate.tenant(),
              expectedVersion);
    }
    if (changed == 0) {
      return false;
    }
    outbox.append(
        Topic.IMAGE_EVENTS,
        gate.key(),
        CloudEvent.of(
            SOURCE, ImageGateChanged.TYPE, gate.key(), gate.tenant(), json.valueToTree(gate)));
    return true;
  }
}
