package io.containercloud.build.registry.token;

import io.containercloud.build.executor.ProjectCredentials;
import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.common.crypto.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Each tenant's account at the local registries, {@code robot$<tenant>}, made the first time the
 * tenant needs it: what its builds push and pull with. Its secret is sealed at rest and leaves
 * build-service only inside a build's registry login.
 */
@Component
public class RegistryRobots {

  static final String PREFIX = "robot$";
  private static final Pattern TENANT = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;
  private final SecretCipher cipher;
  private final RegistryTokenProperties properties;

  RegistryRobots(JdbcTemplate jdbc, SecretCipher cipher, RegistryTokenProperties properties) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.properties = properties;
  }

  /** The tenant's robot while build-service is its registries' token service. */
  public Optional<ProjectCredentials.Login> login(String tenant) {
    if (!properties.enabled()) {
      return Optional.empty();
    }
    OciClient.Credentials robot = credentials(tenant);
    return Optional.of(new ProjectCredentials.Login(robot.username(), robot.password()));
  }

  /** The tenant's account, made now if it has none. */
  public OciClient.Credentials credentials(String tenant) {
    if (!TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("not a tenant: " + tenant);
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    jdbc.update(
        "INSERT IGNORE INTO registry_robot (tenant, secret) VALUES (?, ?)",
        tenant,
        cipher.encrypt(
            owner(tenant), Base64.getUrlEncoder().withoutPadding().encodeToString(secret)));
    return new OciClient.Credentials(PREFIX + tenant, secret(tenant).orElseThrow());
  }

  /** The tenant whose account {@code username} and {@code password} are, if they are one. */
  Optional<String> authenticate(String username, String password) {
    if (!username.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String tenant = username.substring(PREFIX.length());
    return secret(tenant)
        .filter(
            s ->
                MessageDigest.isEqual(
                    s.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8)))
        .map(s -> tenant);
  }

  private Optional<String> secret(String tenant) {
    return jdbc
        .query(
            "SELECT secret FROM registry_robot WHERE tenant = ?",
            (rs, row) -> cipher.decrypt(owner(tenant), rs.getBytes("secret")),
            tenant)
        .stream()
        .findFirst();
  }

  private static String owner(String tenant) {
    return "registry-robot/" + tenant;
  }
}
