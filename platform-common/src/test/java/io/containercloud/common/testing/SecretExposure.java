package io.containercloud.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.common.probe.ProbeServer;
import io.containercloud.common.security.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Proves that a service never shows the secrets it is given: it runs the service's application with
 * distinctive values for every property that holds a secret (the database password through a probe
 * user of its own), then looks for them in every configuration-properties bean's and every platform
 * bean's {@code toString}, in every actuator endpoint the service exposes, in its problem details
 * and in everything it logged. A malformed secret must stop the start with a message that names the
 * setting, never the value.
 */
public final class SecretExposure {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern LINK = Pattern.compile("\"href\":\"([^\"]+)\"");
  // endpoints that show settings or memory wholesale: a service must not expose them at all
  private static final List<String> NEVER_EXPOSED =
      List.of("env", "configprops", "heapdump", "threaddump", "beans", "logfile");

  private final Class<?> application;
  private final Map<String, String> secrets = new LinkedHashMap<>();
  private final Map<String, String> settings = new LinkedHashMap<>();
  private IntFunction<String> caller =
      port -> TestTokens.token("alice", "tenant-a", Role.PLATFORM_ADMIN);

  private SecretExposure(Class<?> application) {
    this.application = application;
  }

  /** The service whose main class is {@code application}, run with the {@code test} profile. */
  public static SecretExposure of(Class<?> application) {
    return new SecretExposure(application);
  }

  /** A random AES-256 key, base64: a value that cannot turn up anywhere by chance. */
  public static String aesKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** {@code property} holds a secret; the service runs with {@code value}. */
  public SecretExposure secret(String property, String value) {
    secrets.put(property, value);
    return this;
  }

  /**
   * How to get a platform admin's token from the service on a port (by default a {@link TestTokens}
   * one, which every service but the gateway trusts).
   */
  public SecretExposure caller(IntFunction<String> token) {
    this.caller = token;
    return this;
  }

  /** A setting the run needs that is not a secret. */
  public SecretExposure setting(String property, String value) {
    settings.put(property, value);
    return this;
  }

  /** The same with {@code database} dropped first, for a service that keeps state it must make. */
  public SecretExposure freshDatabase(String database) {
    try (var connection = DriverManager.getConnection(LocalInfra.jdbcUrl(""), "root", "");
        var statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS `" + database + "`");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop " + database, e);
    }
    return database(database);
  }

  /**
   * The service connects to {@code database} (made when missing) as a probe user whose password is
   * a fresh random value, so that {@code spring.datasource.password} is checked like any other
   * secret.
   */
  public SecretExposure database(String database) {
    String user = "probe_" + database;
    String password = "pw-" + HexFormat.of().formatHex(randomBytes(16));
    // root (local only, no password, as scripts/infra.sh set it up): platform may not grant
    try (var connection = DriverManager.getConnection(LocalInfra.jdbcUrl(database), "root", "");
        var statement = connection.createStatement()) {
      String account = "'" + user + "'@'127.0.0.1'";
      statement.execute("CREATE OR REPLACE USER " + account + " IDENTIFIED BY '" + password + "'");
      statement.execute("GRANT ALL PRIVILEGES ON `" + database + "`.* TO " + account);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the probe user for " + database, e);
    }
    settings.put("spring.datasource.url", LocalInfra.jdbcUrl(database));
    settings.put("spring.datasource.username", user);
    return secret("spring.datasource.password", password);
  }

  /** Runs the service, looks everywhere it could show a secret, and stops it. */
  public void assertNeverShown(CapturedOutput output) {
    try (ConfigurableApplicationContext context = start(secrets)) {
      ProbeServer probes = context.getBeanProvider(ProbeServer.class).getIfAvailable();
      int port =
          probes != null
              ? probes.port()
              : ((WebServerApplicationContext) context).getWebServer().getPort();
      List<String> shown = new ArrayList<>();
      context
          .getBeansWithAnnotation(ConfigurationProperties.class)
          .forEach((name, bean) -> shown.add(name + ": " + bean));
      var beans = context.getBeanFactory();
      for (String name : beans.getSingletonNames()) {
        Object bean = beans.getSingleton(name);
        if (bean != null && bean.getClass().getName().startsWith("io.containercloud.")) {
          shown.add(name + ": " + bean);
        }
      }
      // a host daemon serves no API, so takes no token: its probes and metrics are all it shows
      String token = probes != null ? null : caller.apply(port);
      shown.addAll(probes != null ? probeBodies(port) : actuatorBodies(port, token));
      shown.add(ServiceContract.get("http://127.0.0.1:" + port + "/no/such/path", null).body());
      shown.add(ServiceContract.get("http://127.0.0.1:" + port + "/no/such/path", token).body());
      assertThat(shown).as("what the service shows").isNotEmpty();
      secrets.forEach(
          (property, value) ->
              assertThat(shown)
                  .as("beans, actuator endpoints and problem details showing " + property)
                  .noneMatch(text -> text.contains(value)));
    }
    assertNotLogged(output);
  }

  /**
   * Starting with {@code property} set to a malformed value fails, and neither the failure nor the
   * log shows that value; the failure names the property.
   */
  public void assertMalformedNotEchoed(String property, CapturedOutput output) {
    String malformed = "not!a!key!" + HexFormat.of().formatHex(randomBytes(12));
    Map<String, String> run = new LinkedHashMap<>(secrets);
    run.put(property, malformed);
    assertThatThrownBy(() -> start(run).close())
        .as("a start with a malformed " + property)
        .satisfies(
            failure -> {
              String trace = trace(failure);
              assertThat(trace).contains(property).doesNotContain(malformed);
            });
    assertThat(output.getAll()).doesNotContain(malformed);
    assertNotLogged(output);
  }

  private ConfigurableApplicationContext start(Map<String, String> secretValues) {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--platform.security.jwks-uri=" + TestTokens.jwksUri());
    settings.forEach((k, v) -> args.add("--" + k + "=" + v));
    secretValues.forEach((k, v) -> args.add("--" + k + "=" + v));
    return new SpringApplicationBuilder(application)
        .profiles("test")
        .run(args.toArray(String[]::new));
  }

  /** What a host daemon's probe server shows to anyone. */
  private static List<String> probeBodies(int port) {
    String base = "http://127.0.0.1:" + port;
    List<String> bodies = new ArrayList<>();
    for (String path : List.of("health", "health/liveness", "health/readiness", "prometheus")) {
      bodies.add(ServiceContract.get(base + "/actuator/" + path, null).body());
    }
    for (String endpoint : NEVER_EXPOSED) {
      assertThat(ServiceContract.get(base + "/actuator/" + endpoint, null).statusCode())
          .as("GET /actuator/" + endpoint)
          .isEqualTo(404);
    }
    return bodies;
  }

  /** What the actuator shows even to a platform admin. */
  private static List<String> actuatorBodies(int port, String token) {
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> index = ServiceContract.get(base + "/actuator", token);
    assertThat(index.statusCode()).as("GET /actuator").isEqualTo(200);
    List<String> bodies = new ArrayList<>();
    bodies.add(index.body());
    Matcher links = LINK.matcher(index.body());
    while (links.find()) {
      String href = links.group(1);
      if (!href.contains("{")) {
        bodies.add(ServiceContract.get(href, token).body());
      }
    }
    for (String endpoint : NEVER_EXPOSED) {
      assertThat(index.body()).as("/actuator links").doesNotContain("\"" + endpoint + "\"");
      assertThat(ServiceContract.get(base + "/actuator/" + endpoint, token).statusCode())
          .as("GET /actuator/" + endpoint)
          .isEqualTo(404);
    }
    return bodies;
  }

  private void assertNotLogged(CapturedOutput output) {
    secrets.forEach(
        (property, value) ->
            assertThat(output.getAll()).as("the log, for " + property).doesNotContain(value));
  }

  private static String trace(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
