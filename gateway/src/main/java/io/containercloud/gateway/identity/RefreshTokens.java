package io.containercloud.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Long-lived refresh tokens that can be revoked, unlike access tokens. Only their hashes are
 * stored. Every use rotates the token; presenting a token that was already used or revoked revokes
 * every token of that user (a stolen token is then worthless to both parties).
 */
@Repository
public class RefreshTokens {

  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;

  RefreshTokens(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The owner of a valid token. */
  public record Session(String username, String tenant) {}

  /** A new token for {@code username} in {@code tenant}, valid for {@code ttl}. */
  public String issue(String username, String tenant, Duration ttl) {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    jdbc.update(
        "INSERT INTO refresh_token (token_hash, username, tenant, expires_at) VALUES (?, ?, ?, ?)",
        hash(token),
        username,
        tenant,
        time(Instant.now().plus(ttl)));
    return token;
  }

  /** Spends a token: its session when it was valid (the token is then revoked), else empty. */
  @Transactional
  public Optional<Session> spend(String token) {
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "SELECT username, tenant, expires_at, revoked_at FROM refresh_token WHERE token_hash = ? FOR UPDATE",
            hash(token));
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> row = rows.get(0);
    String username = (String) row.get("username");
    if (row.get("revoked_at") != null) {
      revokeAll(username); // reuse of a spent token: assume theft
      return Optional.empty();
    }
    jdbc.update(
        "UPDATE refresh_token SET revoked_at = ? WHERE token_hash = ?",
        time(Instant.now()),
        hash(token));
    LocalDateTime expires = (LocalDateTime) row.get("expires_at");
    if (expires.toInstant(ZoneOffset.UTC).isBefore(Instant.now())) {
      return Optional.empty();
    }
    return Optional.of(new Session(username, (String) row.get("tenant")));
  }

  /** Revokes one token (logout); false if it was unknown. */
  public boolean revoke(String token) {
    return jdbc.update(
            "UPDATE refresh_token SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            time(Instant.now()),
            hash(token))
        == 1;
  }

  /** Revokes every token of a user (an admin ends all sessions); returns how many. */
  public int revokeAll(String username) {
    return jdbc.update(
        "UPDATE refresh_token SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
        time(Instant.now()),
        username);
  }

  private static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // as text: Connector/J drops fractions of temporal parameters on MariaDB
  private static String time(Instant instant) {
    return SQL_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }
}
