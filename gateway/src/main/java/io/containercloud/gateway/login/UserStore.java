package io.containercloud.gateway.login;

import io.containercloud.common.security.Role;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Users, their password hashes and their role bindings per tenant (MySQL {@code gateway}). */
@Repository
class UserStore {

  private final JdbcTemplate jdbc;

  UserStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  Optional<String> passwordHash(String username) {
    List<String> hashes =
        jdbc.queryForList(
            "SELECT password_hash FROM app_user WHERE username = ? AND enabled",
            String.class,
            username);
    return hashes.stream().findFirst();
  }

  /** The tenants the user holds roles in, each with its roles. */
  List<Binding> bindings(String username) {
    return jdbc
        .query(
            "SELECT tenant, role FROM role_binding WHERE username = ? ORDER BY tenant",
            (rs, i) -> new Binding(rs.getString(1), Role.fromClaim(rs.getString(2)).orElse(null)),
            username)
        .stream()
        .filter(b -> b.role() != null)
        .toList();
  }

  boolean anyPlatformAdmin() {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM role_binding WHERE role = ?",
            Integer.class,
            Role.PLATFORM_ADMIN.claim());
    return n != null && n > 0;
  }

  @Transactional
  void createUser(String username, String passwordHash, String tenant, Set<Role> roles) {
    jdbc.update("INSERT IGNORE INTO tenant (name) VALUES (?)", tenant);
    jdbc.update(
        "INSERT INTO app_user (username, password_hash) VALUES (?, ?)", username, passwordHash);
    for (Role role : EnumSet.copyOf(roles)) {
      jdbc.update(
          "INSERT INTO role_binding (username, tenant, role) VALUES (?, ?, ?)",
          username,
          tenant,
          role.claim());
    }
  }

  record Binding(String tenant, Role role) {}
}
