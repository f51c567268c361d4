package io.containercloud.build.registry.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.build.registry.oci.TestImages;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tenant projects enforced by a real distribution registry whose token realm is this build-service:
 * each tenant's robot pushes and pulls its own project only (and pulls the platform's base images);
 * the platform's account, the one sync policies copy with, may do anything; nobody else gets
 * anything. The registry is started here with {@code auth.token}, as the local registries are
 * configured.
 */
@ServiceIntegrationTest
class TenantProjectsIT {

  private static final TokenRegistry REGISTRY = new TokenRegistry();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired RegistryRobots robots;
  @Autowired JsonMapper json;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @DynamicPropertySource
  static void tokenService(DynamicPropertyRegistry registry) {
    REGISTRY.properties(registry);
  }

  @BeforeEach
  void tokenRegistry() throws Exception {
    REGISTRY.start(port);
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    REGISTRY.close();
  }

  @Test
  void eachTenantsRobotReachesItsOwnProjectOnly() throws Exception {
    String tenantA = "ta-" + run;
    String tenantB = "tb-" + run;
    OciClient robotA = client(robots.credentials(tenantA));
    OciClient robotB = client(robots.credentials(tenantB));

    OciClient.Manifest own = TestImages.push(robotA, tenantA + "/api", "v1", 1, 1024);
    assertThat(robotA.manifestDigest(tenantA + "/api", "v1")).hasValue(own.digest());

    // tenant B can neither read tenant A's project nor write into it
    assertThatThrownBy(() -> robotB.manifestDigest(tenantA + "/api", "v1"))
        .isInstanceOf(OciException.class);
    assertThatThrownBy(() -> TestImages.push(robotB, tenantA + "/api", "evil", 1, 16))
        .isInstanceOf(OciException.class);
    assertThat(robotA.manifestDigest(tenantA + "/api", "evil")).isEmpty();
    // nor can anyone without an account, nor a robot with a wrong secret
    assertThat(REGISTRY.status("/v2/" + tenantA + "/api/manifests/v1")).isEqualTo(401);
    assertThat(tokenStatus("robot$" + tenantA, "not-the-secret")).isEqualTo(401);

    // every tenant pulls the platform's base images, none writes them
    OciClient platform = client(robots.credentials("platform"));
    OciClient.Manifest base = TestImages.push(platform, "platform/base-" + run, "1", 1, 64);
    assertThat(robotB.manifestDigest("platform/base-" + run, "1")).hasValue(base.digest());
    assertThatThrownBy(() -> TestImages.push(robotB, "platform/base-" + run, "2", 1, 16))
        .isInstanceOf(OciException.class);
  }

  @Test
  void thePlatformsOwnAccountAtARegisteredRegistryMayDoAnything() throws Exception {
    String name = "tokens-" + run;
    HttpResponse<String> registered =
        ServiceContract.send(
            ServiceContract.request(
                    "POST",
                    "http://127.0.0.1:" + port + "/registries",
                    TestTokens.token("ada", "platform", Role.PLATFORM_ADMIN),
                    """
                    {"name":"%s","room":"hall-%s","url":"http://127.0.0.1:%d","kind":"distribution",
                     "credentials":{"username":"platform$sync","password":"s-%s"}}"""
                        .formatted(name, run, REGISTRY.port(), run))
                .build());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    OciClient sync = client(new OciClient.Credentials("platform$sync", "s-" + run));
    String tenant = "tc-" + run;
    OciClient.Manifest image =
        TestImages.push(client(robots.credentials(tenant)), tenant + "/job", "v1", 1, 32);
    assertThat(sync.manifestDigest(tenant + "/job", "v1")).hasValue(image.digest());
    assertThat(sync.repositories(tenant + "/")).contains(tenant + "/job");
    assertThat(sync.deleteManifest(tenant + "/job", image.digest())).isTrue();
  }

  @Test
  void aMalformedScopeIsRefusedNamingIt() throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/registry/token?service=container-cloud-registry&scope=repository:a%0a:pull"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("\"field\":\"scope\"");
  }

  private OciClient client(OciClient.Credentials credentials) {
    return new OciClient(URI.create("http://" + REGISTRY.address()), credentials, HTTP, json);
  }

  private int tokenStatus(String username, String password) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/registry/token?service=container-cloud-registry&scope=repository:x/y:pull"))
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (username + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
