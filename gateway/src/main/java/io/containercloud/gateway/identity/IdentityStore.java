package io.containercloud.gateway.identity;

import io.containercloud.common.security.Role;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Tenants, users, their password hashes and their role bindings (MySQL {@code gateway}). */
@Repository
public class IdentityStore {

  private final JdbcTemplate jdbc;

  IdentityStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<String> passwordHash(String username) {
    List<String> hashes =
        jdbc.queryForList(
            "SELECT password_hash FROM app_user WHERE username = ? AND enabled",
            String.class,
            username);
    return hashes.stream().findFirst();
  }

  /** The tenants the user holds roles in, each with its roles. */
  public List<Binding> bindings(String username) {
    return jdbc
        .query(
            "SELECT tenant, role FROM role_binding WHERE username = ? ORDER BY tenant",
            (rs, i) -> new Binding(rs.getString(1), Role.fromClaim(rs.getString(2)).orElse(null)),
            username)
        .stream()
        .filter(b -> b.role() != null)
        .toList();
  }

  public boolean anyPlatformAdmin() {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM role_binding WHERE role = ?",
            Integer.class,
            Role.PLATFORM_ADMIN.claim());
    return n != null && n > 0;
  }

  /** Creates a user bound to {@code roles} in {@code tenant}; false if the name is taken. */
  @Transactional
  public boolean createUser(String username, String passwordHash, String tenant, Set<Role> roles) {
    jdbc.update("INSERT IGNORE INTO tenant (name) VALUES (?)", tenant);
    if (jdbc.update(
            "INSERT IGNORE INTO app_user (username, password_hash) VALUES (?, ?)",
            username,
            passwordHash)
        == 0) {
      return false;
    }
    insertBindings(username, tenant, roles);
    return true;
  }

  /** Replaces the user's roles in one tenant; false if there is no such user. */
  @Transactional
  public boolean replaceBindings(String username, String tenant, Set<Role> roles) {
    if (passwordHash(username).isEmpty()) {
      return false;
    }
    jdbc.update("DELETE FROM role_binding WHERE username = ? AND tenant = ?", username, tenant);
    insertBindings(username, tenant, roles);
    return true;
  }

  private void insertBindings(String username, String tenant, Set<Role> roles) {
    for (Role role : EnumSet.copyOf(roles)) {
      jdbc.update(
          "INSERT INTO role_binding (username, tenant, role) VALUES (?, ?, ?)",
          username,
          tenant,
          role.claim());
    }
  }

  public boolean createTenant(String name) {
    return jdbc.update("INSERT IGNORE INTO tenant (name) VALUES (?)", name) == 1;
  }

  public boolean tenantExists(String name) {
    return !jdbc.queryForList("SELECT name FROM tenant WHERE name = ?", String.class, name)
        .isEmpty();
  }

  public List<String> tenants() {
    return jdbc.queryForList("SELECT name FROM tenant ORDER BY name", String.class);
  }

  /** Users with their bindings; only those bound in {@code tenant} when it is given. */
  public List<UserView> users(String tenant) {
    List<String> names =
        tenant == null
            ? jdbc.queryForList("SELECT username FROM app_user ORDER BY username", String.class)
            : jdbc.queryForList(
                "SELECT DISTINCT username FROM role_binding WHERE tenant = ? ORDER BY username",
                String.class,
                tenant);
    return names.stream().map(this::user).flatMap(Optional::stream).toList();
  }

  public Optional<UserView> user(String username) {
    List<Boolean> enabled =
        jdbc.queryForList(
            "SELECT enabled FROM app_user WHERE username = ?", Boolean.class, username);
    if (enabled.isEmpty()) {
      return Optional.empty();
    }
    List<String> bindings =
        bindings(username).stream().map(b -> b.tenant() + ":" + b.role().claim()).toList();
    return Optional.of(new UserView(username, enabled.get(0), bindings));
  }

  /** A user as the admin API shows it: never the password hash. */
  public record UserView(String username, boolean enabled, List<String> bindings) {}

  public record Binding(String tenant, Role role) {}
}
