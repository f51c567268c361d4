package io.containercloud.build.registry.token;

import io.containercloud.build.registry.rooms.RegistryClients;
import io.containercloud.common.error.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * The token endpoint of the local registries (their {@code auth.token.realm}), as the Docker
 * registry token protocol has it: a client names the scopes it needs and logs in with Basic; it
 * gets a token granting what its account may do of that, and the registry enforces the token.
 * Accounts: a tenant's robot ({@link RegistryRobots}) pushes and pulls its tenant's project and
 * pulls the platform's ({@code platform/...}, the base images); the platform's own account at a
 * registered registry (what sync policies copy with) may do anything; anyone else gets nothing.
 */
@RestController
class RegistryTokenResource {

  static final String PATH = "/registry/token";
  private static final Pattern SCOPE =
      Pattern.compile(
          "(repository|registry)(\\([a-z0-9]+\\))?:([a-z0-9]+(?:[._/-][a-z0-9]+)*):([a-z*]+(?:,[a-z*]+)*)");
  private static final List<String> PUSH_PULL = List.of("pull", "push");

  private final RegistryTokens tokens;
  private final RegistryRobots robots;
  private final RegistryClients registries;
  private final RegistryTokenProperties properties;

  RegistryTokenResource(
      RegistryTokens tokens,
      RegistryRobots robots,
      RegistryClients registries,
      RegistryTokenProperties properties) {
    this.tokens = tokens;
    this.robots = robots;
    this.registries = registries;
    this.properties = properties;
  }

  /** Who asks: a tenant's robot, the platform, or nobody in particular. */
  private sealed interface Account {
    record Robot(String tenant) implements Account {}

    record Platform(String username) implements Account {}

    record Anonymous() implements Account {}
  }

  @GetMapping(PATH)
  ObjectNode token(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam(required = false) String service,
      HttpServletRequest request) {
    if (!tokens.enabled()) {
      throw ProblemException.notFound("registry token service", PATH);
    }
    if (service != null && !service.equals(properties.service())) {
      throw ProblemException.invalid("service", "must be " + properties.service());
    }
    Account account = account(authorization);
    List<RegistryTokens.Access> granted = new ArrayList<>();
    // read raw: a scope's actions are comma-separated, which parameter binding would split
    String[] scopes = request.getParameterValues("scope");
    for (String scope : scopes == null ? new String[0] : scopes) {
      // several scopes may come space-separated in one parameter
      for (String one : scope.split(" ")) {
        Matcher matcher = SCOPE.matcher(one);
        if (!matcher.matches() || one.length() > 512) {
          throw ProblemException.invalid("scope", "must be type:name:actions");
        }
        List<String> actions =
            allowed(account, matcher.group(1), matcher.group(3)).stream()
                .filter(Arrays.asList(matcher.group(4).split(","))::contains)
                .toList();
        if (!actions.isEmpty()) {
          granted.add(new RegistryTokens.Access(matcher.group(1), matcher.group(3), actions));
        }
      }
    }
    return tokens.issue(subject(account), granted);
  }

  private Account account(String authorization) {
    if (authorization == null) {
      return new Account.Anonymous();
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw ProblemException.unauthorized("The token service takes Basic credentials.");
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ProblemException.unauthorized("The Basic credentials are not base64.");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw ProblemException.unauthorized("The Basic credentials name no password.");
    }
    String username = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    var robot = robots.authenticate(username, password);
    if (robot.isPresent()) {
      return new Account.Robot(robot.get());
    }
    if (registries.isPlatformAccount(username, password)) {
      return new Account.Platform(username);
    }
    throw ProblemException.unauthorized("Unknown registry account or wrong password.");
  }

  private static List<String> allowed(Account account, String type, String name) {
    if (account instanceof Account.Platform) {
      return List.of("pull", "push", "delete", "*");
    }
    if (account instanceof Account.Robot robot && type.equals("repository")) {
      if (name.startsWith(robot.tenant() + "/")) {
        return PUSH_PULL;
      }
      return name.startsWith("platform/") ? List.of("pull") : List.of();
    }
    return List.of();
  }

  private static String subject(Account account) {
    if (account instanceof Account.Platform platform) {
      return platform.username();
    }
    return account instanceof Account.Robot robot ? RegistryRobots.PREFIX + robot.tenant() : "";
  }
}
