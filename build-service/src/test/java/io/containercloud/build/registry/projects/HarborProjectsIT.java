package io.containercloud.build.registry.projects;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.containercloud.build.executor.ProjectCredentials;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With a Harbor as the build registry, a tenant's builds get a robot account of the tenant's Harbor
 * project, made once through Harbor's API (the project first) and kept sealed. No Harbor runs here:
 * a loopback server answers as Harbor's documented API does, and what it is asked is checked.
 */
@ServiceIntegrationTest
class HarborProjectsIT {

  private static final List<String> ASKED = new ArrayList<>();
  private static final HttpServer HARBOR = harbor();

  @LocalServerPort int port;
  @Autowired ProjectCredentials projects;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @DynamicPropertySource
  static void buildRegistry(DynamicPropertyRegistry registry) {
    registry.add("platform.build.registry", HarborProjectsIT::address);
  }

  @AfterAll
  static void stop() {
    HARBOR.stop(0);
  }

  @Test
  void aTenantsBuildsGetARobotOfItsOwnHarborProjectMadeOnce() {
    HttpResponse<String> registered =
        ServiceContract.send(
            ServiceContract.request(
                    "POST",
                    "http://127.0.0.1:" + port + "/registries",
                    TestTokens.token("ada", "platform", Role.PLATFORM_ADMIN),
                    """
                    {"name":"harbor-%s","room":"hall-%s","url":"http://%s","kind":"harbor",
                     "credentials":{"username":"robot$platform","password":"p-%s"}}"""
                        .formatted(run, run, address(), run))
                .build());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    String tenant = "th-" + run;

    ProjectCredentials.Login login = projects.forTenant(tenant).orElseThrow();
    assertThat(login.username()).startsWith("robot$" + tenant + "+container-cloud-builds-");
    assertThat(login.password()).isEqualTo("secret-of-" + tenant);
    String platform =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("robot$platform:p-" + run).getBytes(StandardCharsets.UTF_8));
    assertThat(ASKED)
        .hasSize(2)
        .satisfiesExactly(
            project ->
                assertThat(project)
                    .startsWith("POST /api/v2.0/projects " + platform)
                    .contains("\"project_name\":\"" + tenant + "\"", "\"public\":\"false\""),
            robot ->
                assertThat(robot)
                    .startsWith("POST /api/v2.0/robots " + platform)
                    .contains(
                        "\"level\":\"project\"",
                        "\"namespace\":\"" + tenant + "\"",
                        "\"action\":\"push\"",
                        "\"action\":\"pull\"",
                        "\"duration\":-1"));

    // kept: asked again, Harbor is not; the secret is sealed at rest
    assertThat(projects.forTenant(tenant)).contains(login);
    assertThat(ASKED).hasSize(2);
    byte[] stored =
        jdbc.queryForObject(
            "SELECT secret FROM harbor_robot WHERE tenant = ?", byte[].class, tenant);
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("secret-of-");
  }

  private static String address() {
    return "127.0.0.1:" + HARBOR.getAddress().getPort();
  }

  private static HttpServer harbor() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/api/v2.0/",
          exchange -> {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            synchronized (ASKED) {
              ASKED.add(
                  exchange.getRequestMethod()
                      + " "
                      + path
                      + " "
                      + exchange.getRequestHeaders().getFirst("Authorization")
                      + " "
                      + body);
            }
            byte[] answer = new byte[0];
            if (path.equals("/api/v2.0/robots")) {
              String tenant = body.replaceAll(".*\"namespace\":\"([^\"]+)\".*", "$1");
              String name = body.replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
              answer =
                  ("{\"id\":7,\"name\":\"robot$"
                          + tenant
                          + "+"
                          + name
                          + "\",\"secret\":\"secret-of-"
                          + tenant
                          + "\",\"expires_at\":-1}")
                      .getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
