package io.containercloud.build.registry.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rooms' registries: registered by a platform admin with credentials that are sealed at rest
 * and never shown; a bad URL, an unknown member, a second registry for a room or a caller who is no
 * admin changes nothing.
 */
@ServiceIntegrationTest
class ImageRegistriesIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ImageRegistryRepository registries;
  @Autowired RegistryClients clients;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void anAdminRegistersARegistryWhoseCredentialsNeverComeOut() throws Exception {
    String name = "room-a-" + suffix;
    HttpResponse<String> created =
        send(
            "POST",
            "/registries",
            """
            {"name":"%s","room":"room-%s","url":"HTTP://127.0.0.1:%d/","kind":"distribution",
             "credentials":{"username":"robot$platform","password":"s3cret-%s"}}"""
                .formatted(name, suffix, LocalInfra.REGISTRY_PORT, suffix),
            Role.PLATFORM_ADMIN);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body())
        .contains(
            "\"url\":\"http://127.0.0.1:" + LocalInfra.REGISTRY_PORT + "\"",
            "\"kind\":\"distribution\"",
            "\"username\":\"robot$platform\"",
            "\"credentials\":true")
        .doesNotContain("s3cret");
    // announced, in the transaction of the change, with the name its room pulls it by
    String dnsName = "registry.room-" + suffix + ".platform.test";
    assertThat(created.body()).contains("\"dnsName\":\"" + dnsName + "\"");
    assertThat(announced("registry.registered", "room/room-" + suffix))
        .contains(
            "\"dnsName\":\"" + dnsName + "\"",
            "\"registry\":\"127.0.0.1:" + LocalInfra.REGISTRY_PORT + "\"");
    assertThat(send("GET", "/registries", null, Role.VIEWER).body())
        .contains(name)
        .doesNotContain("s3cret");
    byte[] stored =
        jdbc.queryForObject(
            "SELECT password FROM image_registry WHERE name = ?", byte[].class, name);
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");

    // the client opens them, and talks to the registry
    ImageRegistry registry = registries.find(name).orElseThrow();
    assertThat(clients.client(registry).authority())
        .isEqualTo("127.0.0.1:" + LocalInfra.REGISTRY_PORT);
    assertThat(clients.client(registry).manifestDigest("tenant-a/none", "v1")).isEmpty();

    HttpResponse<String> replaced =
        send(
            "PUT",
            "/registries/" + name + "/credentials",
            "{\"username\":\"robot$other\",\"password\":\"n3w-" + suffix + "\"}",
            Role.PLATFORM_ADMIN);
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.body()).contains("\"username\":\"robot$other\"").doesNotContain("n3w-");

    HttpResponse<String> again =
        send(
            "POST",
            "/registries",
            """
            {"name":"other-%s","room":"room-%s","url":"http://127.0.0.1:1","kind":"harbor"}"""
                .formatted(suffix, suffix),
            Role.PLATFORM_ADMIN);
    assertThat(again.statusCode()).isEqualTo(409);
    ServiceContract.assertProblem(again, "registry-exists");

    assertThat(send("DELETE", "/registries/" + name, null, Role.DEVELOPER).statusCode())
        .isEqualTo(403);
    assertThat(send("DELETE", "/registries/" + name, null, Role.PLATFORM_ADMIN).statusCode())
        .isEqualTo(204);
    assertThat(send("GET", "/registries/" + name, null, Role.VIEWER).statusCode()).isEqualTo(404);
    assertThat(announced("registry.removed", "room/room-" + suffix)).contains(dnsName);
  }

  private String announced(String type, String key) {
    return jdbc.queryForObject(
        "SELECT payload FROM outbox_event WHERE event_key = ? AND payload LIKE ?",
        String.class,
        key,
        "%\"type\":\"" + type + "\"%");
  }

  @Test
  void aBadRegistrationIsRefusedNamingTheFieldAndNothingIsStored() {
    List<String> urls =
        List.of(
            "file:///var/lib/registry",
            "https://user:pass@registry.example.com",
            "https://registry.example.com/v2/",
            "https://registry.example.com?x=1",
            "https://registry.example.com:99999",
            "https://registry_example.com",
            "https://registry.example.com\n-v");
    for (String url : urls) {
      String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);
      HttpResponse<String> refused =
          send(
              "POST",
              "/registries",
              "{\"name\":\"%s\",\"room\":\"%s\",\"url\":\"%s\",\"kind\":\"distribution\"}"
                  .formatted(name, name, url.replace("\n", "\\n")),
              Role.PLATFORM_ADMIN);
      assertThat(refused.statusCode()).as(url + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.body()).as(url).contains("\"field\":\"url\"");
      assertThat(registries.find(name)).as(url).isEmpty();
    }
    String name = "bad-" + suffix;
    HttpResponse<String> unknown =
        send(
            "POST",
            "/registries",
            """
            {"name":"%s","room":"%s","url":"http://127.0.0.1:1","kind":"distribution",
             "insecure":true}"""
                .formatted(name, name),
            Role.PLATFORM_ADMIN);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("insecure");
    HttpResponse<String> user =
        send(
            "POST",
            "/registries",
            """
            {"name":"%s","room":"%s","url":"http://127.0.0.1:1","kind":"distribution",
             "credentials":{"username":"a:b","password":"x"}}"""
                .formatted(name, name),
            Role.PLATFORM_ADMIN);
    assertThat(user.statusCode()).isEqualTo(400);
    assertThat(user.body()).contains("credentials.username");
    HttpResponse<String> notAdmin =
        send(
            "POST",
            "/registries",
            "{\"name\":\"%s\",\"room\":\"%s\",\"url\":\"http://127.0.0.1:1\",\"kind\":\"harbor\"}"
                .formatted(name, name),
            Role.TENANT_ADMIN);
    assertThat(notAdmin.statusCode()).isEqualTo(403);
    assertThat(registries.find(name)).isEmpty();
  }

  private HttpResponse<String> send(String method, String path, String body, Role role) {
    String token = TestTokens.token("ada", "platform", role);
    return ServiceContract.send(
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, body).build());
  }
}
