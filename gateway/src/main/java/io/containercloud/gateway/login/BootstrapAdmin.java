package io.containercloud.gateway.login;

import io.containercloud.common.security.Role;
import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.identity.IdentityStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * On the first start (no platform admin yet) creates one. Its password comes from {@code
 * PLATFORM_ADMIN_PASSWORD}; without it a random one is generated and printed once, to the console
 * only, never to the log files.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

  static final String PASSWORD_PROPERTY = "platform.gateway.bootstrap-admin-password";

  private final IdentityStore users;
  private final PasswordEncoder encoder;
  private final GatewayProperties properties;
  private final Environment environment;

  BootstrapAdmin(
      IdentityStore users,
      PasswordEncoder encoder,
      GatewayProperties properties,
      Environment environment) {
    this.users = users;
    this.encoder = encoder;
    this.properties = properties;
    this.environment = environment;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (users.anyPlatformAdmin()) {
      return;
    }
    String password =
        environment.getProperty(
            PASSWORD_PROPERTY, environment.getProperty("PLATFORM_ADMIN_PASSWORD", ""));
    boolean generated = password.isBlank();
    if (generated) {
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
    GatewayProperties.BootstrapAdmin admin = properties.bootstrapAdmin();
    users.createUser(
        admin.username(), encoder.encode(password), admin.tenant(), Set.of(Role.PLATFORM_ADMIN));
    if (generated) {
      System.out.println(
          "Created platform admin '" + admin.username() + "' with generated password: " + password);
    }
  }
}
