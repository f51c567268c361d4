package io.containercloud.build.registry.projects;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.build.registry.rooms.ImageRegistry;
import io.containercloud.build.registry.rooms.RegistryClients;
import io.containercloud.common.crypto.SecretCipher;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Each tenant's robot account in a Harbor registry: its project made if Harbor has none, a robot of
 * that project (push and pull there, nothing else) made once through Harbor's API, its secret
 * sealed here, since Harbor shows it only when made.
 */
@Component
class HarborRobots {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;
  private final SecretCipher cipher;
  private final RegistryClients clients;

  HarborRobots(JdbcTemplate jdbc, SecretCipher cipher, RegistryClients clients) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.clients = clients;
  }

  /** {@code tenant}'s robot in {@code harbor}, made now if it has none. */
  OciClient.Credentials credentials(ImageRegistry harbor, String tenant) throws OciException {
    Optional<OciClient.Credentials> kept = kept(harbor, tenant);
    if (kept.isPresent()) {
      return kept.get();
    }
    var api = clients.harbor(harbor);
    api.ensureProject(tenant);
    // a suffix of its own: a robot made by an earlier attempt whose secret was lost stays apart
    OciClient.Credentials made =
        api.createProjectRobot(
            tenant, "container-cloud-builds-" + HexFormat.of().formatHex(bytes()));
    jdbc.update(
        "INSERT IGNORE INTO harbor_robot (registry, tenant, username, secret) VALUES (?, ?, ?, ?)",
        harbor.name(),
        tenant,
        made.username(),
        cipher.encrypt(owner(harbor, tenant), made.password()));
    return kept(harbor, tenant).orElse(made);
  }

  private Optional<OciClient.Credentials> kept(ImageRegistry harbor, String tenant) {
    return jdbc
        .query(
            "SELECT username, secret FROM harbor_robot WHERE registry = ? AND tenant = ?",
            (rs, row) ->
                new OciClient.Credentials(
                    rs.getString("username"),
                    cipher.decrypt(owner(harbor, tenant), rs.getBytes("secret"))),
            harbor.name(),
            tenant)
        .stream()
        .findFirst();
  }

  private static byte[] bytes() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String owner(ImageRegistry harbor, String tenant) {
    return "harbor-robot/" + harbor.name() + "/" + tenant;
  }
}
