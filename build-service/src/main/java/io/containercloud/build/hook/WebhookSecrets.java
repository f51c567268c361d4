package io.containercloud.build.hook;

import io.containercloud.build.configuration.Configuration;
import io.containercloud.common.crypto.SecretCipher;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Each configuration's webhook secret, 256 random bits, sealed at rest for that configuration (a
 * sealed secret copied to another configuration does not open).
 */
@Repository
class WebhookSecrets {

  private static final Logger log = LoggerFactory.getLogger(WebhookSecrets.class);

  /** A configuration's secret and when it was made. */
  record Stored(String secret, Instant rotatedAt) {}

  private final JdbcTemplate jdbc;
  private final SecretCipher cipher;
  private final SecureRandom random = new SecureRandom();

  WebhookSecrets(JdbcTemplate jdbc, SecretCipher cipher) {
    this.jdbc = jdbc;
    this.cipher = cipher;
  }

  /** A new secret for the configuration, replacing any earlier one. */
  Stored rotate(Configuration configuration) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    Instant now = Instant.now();
    jdbc.update(
        "INSERT INTO build_webhook (configuration_id, secret, rotated_at) VALUES (?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE secret = VALUES(secret), rotated_at = VALUES(rotated_at)",
        configuration.id(),
        cipher.encrypt(owner(configuration), secret),
        Timestamp.from(now));
    return new Stored(secret, now);
  }

  /**
   * The configuration's secret; none when it has none, or when it cannot be opened (sealed under
   * another key than this instance's: its writers make a new one).
   */
  Optional<Stored> find(Configuration configuration) {
    return jdbc
        .query(
            "SELECT secret, rotated_at FROM build_webhook WHERE configuration_id = ?",
            (rs, i) -> open(configuration, rs.getBytes("secret"), rs.getTimestamp("rotated_at")),
            configuration.id())
        .stream()
        .flatMap(Optional::stream)
        .findFirst();
  }

  private Optional<Stored> open(Configuration configuration, byte[] sealed, Timestamp rotatedAt) {
    try {
      return Optional.of(
          new Stored(cipher.decrypt(owner(configuration), sealed), rotatedAt.toInstant()));
    } catch (IllegalStateException e) {
      log.error(
          "the webhook secret of {}/{} does not open with platform.build.secrets-key: {}",
          configuration.tenant(),
          configuration.name(),
          e.getMessage());
      return Optional.empty();
    }
  }

  private static String owner(Configuration configuration) {
    return "build-webhook/" + configuration.tenant() + "/" + configuration.name();
  }
}
