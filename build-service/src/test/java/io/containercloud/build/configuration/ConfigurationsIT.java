package io.containercloud.build.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@ServiceIntegrationTest
class ConfigurationsIT {

  private static final String DEV = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String VIEWER = TestTokens.token("vic", "tenant-a", Role.VIEWER);
  private static final String OTHER = TestTokens.token("olga", "tenant-b", Role.DEVELOPER);

  /** Strings a shell, git, a Dockerfile or YAML could read as something else. */
  private static final List<String> HOSTILE =
      List.of(
          "a;rm -rf /",
          "$(id)",
          "`id`",
          "a\nb",
          "--upload-pack=touch /tmp/x",
          "-x",
          "../../etc/passwd",
          "/etc/passwd",
          "a b",
          "x".repeat(10_240));

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JsonMapper json;

  @BeforeEach
  void empty() {
    jdbc.update("DELETE FROM build_configuration");
  }

  @Test
  void aConfigurationIsCreatedReadReplacedAndDeletedWithItsVersion() {
    HttpResponse<String> created = send("POST", "/configurations", DEV, body("orders"), null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(created.body())
        .contains(
            "\"tenant\":\"tenant-a\"",
            "\"toolchain\":\"java-maven\"",
            "\"tagTemplate\":\"{branch}-{shortSha}\"",
            "\"contextDirectory\":\".\"",
            "\"timeoutSeconds\":1800",
            "\"maxConcurrent\":1");
    assertThat(send("POST", "/configurations", DEV, body("orders"), null).statusCode())
        .isEqualTo(409);

    ObjectNode spec = spec();
    spec.put("ref", "release/2.0");
    String path = "/configurations/tenant-a/orders";
    HttpResponse<String> replaced = send("PUT", path, DEV, spec.toString(), "\"1\"");
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.body()).contains("\"ref\":\"release/2.0\"", "\"version\":2");
    HttpResponse<String> stale = send("PUT", path, DEV, spec.toString(), "\"1\"");
    assertThat(stale.statusCode()).isEqualTo(409);
    ServiceContract.assertProblem(stale, "stale-version");

    assertThat(ServiceContract.get(url("/configurations"), DEV).body()).contains("\"orders\"");
    assertThat(send("DELETE", path, DEV, null, "\"2\"").statusCode()).isEqualTo(204);
    assertThat(ServiceContract.get(url(path), DEV).statusCode()).isEqualTo(404);
  }

  @Test
  void hostileStringsInEveryFieldAreRefusedNamingTheFieldAndNothingIsStored() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("repositoryUrl", "spec.repositoryUrl");
    fields.put("ref", "spec.ref");
    fields.put("contextDirectory", "spec.contextDirectory");
    fields.put("dockerfile", "spec.dockerfile");
    fields.put("image", "spec.image");
    fields.put("tagTemplate", "spec.tagTemplate");
    for (var field : fields.entrySet()) {
      for (String hostile : HOSTILE) {
        ObjectNode spec = spec();
        spec.put(field.getKey(), hostile);
        HttpResponse<String> refused = send("POST", "/configurations", DEV, wrap("x", spec), null);
        assertThat(refused.statusCode()).as(field.getKey() + " = " + hostile).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"" + field.getValue());
      }
    }
    for (String hostile : HOSTILE) {
      HttpResponse<String> name = send("POST", "/configurations", DEV, wrap(hostile, spec()), null);
      assertThat(name.statusCode()).as(hostile).isEqualTo(400);
      assertThat(name.body()).contains("\"field\":\"name\"");
      ObjectNode spec = spec();
      spec.putObject("buildArguments").put("VERSION", hostile);
      HttpResponse<String> argument = send("POST", "/configurations", DEV, wrap("x", spec), null);
      if (!hostile.contains("\n") && hostile.length() <= 1024) {
        // printable and short: a build argument may say anything (it is one argv entry)
        assertThat(argument.statusCode()).as(hostile).isEqualTo(201);
        jdbc.update("DELETE FROM build_configuration");
        continue;
      }
      assertThat(argument.statusCode()).as(hostile).isEqualTo(400);
      assertThat(argument.body()).contains("\"field\":\"spec.buildArguments[VERSION]");
    }
    ObjectNode badName = spec();
    badName.putObject("buildArguments").put("A;B", "1");
    assertThat(send("POST", "/configurations", DEV, wrap("x", badName), null).statusCode())
        .isEqualTo(400);
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM build_configuration", Integer.class))
        .isZero();
  }

  @Test
  void repositoriesComeOnlyFromAllowedHostsWithoutCredentialsOrOtherTransports() {
    for (String url :
        List.of(
            "file:///etc/passwd",
            "ext::sh -c touch% /tmp/pwned",
            "https://user:secret@127.0.0.1/repo.git",
            "https://git.elsewhere.example/repo.git",
            "ssh://127.0.0.1/repo.git",
            "https://127.0.0.1/repo.git?upload-pack=x",
            "https://127.0.0.1/-repo.git",
            "https://127.0.0.1/a/../b.git")) {
      ObjectNode spec = spec();
      spec.put("repositoryUrl", url);
      HttpResponse<String> refused = send("POST", "/configurations", DEV, wrap("x", spec), null);
      assertThat(refused.statusCode()).as(url).isEqualTo(400);
      assertThat(refused.body()).contains("\"field\":\"spec.repositoryUrl\"");
    }
    ObjectNode dockerfile = spec();
    dockerfile.put("toolchain", "dockerfile");
    assertThat(send("POST", "/configurations", DEV, wrap("x", dockerfile), null).body())
        .contains("\"field\":\"spec.dockerfile\"");
    ObjectNode placeholder = spec();
    placeholder.put("tagTemplate", "{branch}-{user}");
    assertThat(send("POST", "/configurations", DEV, wrap("x", placeholder), null).body())
        .contains("unknown placeholder {user}");
  }

  @Test
  void tenantsSeeOnlyTheirOwnAndViewersChangeNothing() {
    assertThat(send("POST", "/configurations", DEV, body("orders"), null).statusCode())
        .isEqualTo(201);
    assertThat(ServiceContract.get(url("/configurations/tenant-a/orders"), OTHER).statusCode())
        .isEqualTo(404);
    assertThat(ServiceContract.get(url("/configurations"), OTHER).body()).isEqualTo("[]");
    assertThat(send("POST", "/configurations", VIEWER, body("mine"), null).statusCode())
        .isEqualTo(403);
    assertThat(send("DELETE", "/configurations/tenant-a/orders", OTHER, null, null).statusCode())
        .isEqualTo(403);
    assertThat(ServiceContract.get(url("/configurations/tenant-a/orders"), VIEWER).statusCode())
        .isEqualTo(200);
  }

  private ObjectNode spec() {
    ObjectNode spec = json.createObjectNode();
    spec.put("repositoryUrl", "git://127.0.0.1:19418/shop/orders.git");
    spec.put("ref", "main");
    spec.put("toolchain", "java-maven");
    spec.put("image", "orders");
    return spec;
  }

  private String body(String name) {
    return wrap(name, spec());
  }

  private String wrap(String name, ObjectNode spec) {
    ObjectNode body = json.createObjectNode();
    body.put("name", name);
    body.set("spec", spec);
    return body.toString();
  }

  private HttpResponse<String> send(
      String method, String path, String token, String body, String ifMatch) {
    var request = ServiceContract.request(method, url(path), token, body);
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return ServiceContract.send(request.build());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
