package io.containercloud.build.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.token.RegistryRobots;
import io.containercloud.build.registry.token.TokenRegistry;
import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.ServiceIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A build pushes with its tenant's own account: against a registry that enforces tenant projects
 * (build-service its token service), the image lands in the tenant's project, and the account's
 * secret appears nowhere in the build's log.
 */
@ServiceIntegrationTest
class ProjectCredentialsIT {

  private static final TokenRegistry REGISTRY = new TokenRegistry();
  private static GitServer git;
  private static String repository;

  @LocalServerPort int port;
  @Autowired JsonMapper json;
  @Autowired RegistryRobots robots;

  @DynamicPropertySource
  static void buildRegistry(DynamicPropertyRegistry registry) {
    REGISTRY.properties(registry);
    registry.add("platform.build.registry", REGISTRY::address);
  }

  @BeforeAll
  static void repository() throws Exception {
    git = new GitServer();
    repository = "projects-" + UUID.randomUUID().toString().substring(0, 8);
    git.sample(repository);
    git.branch(repository, "scratch", "Dockerfile", "FROM scratch\nCOPY Dockerfile /\n");
  }

  @AfterAll
  static void stop() throws Exception {
    git.close();
    REGISTRY.close();
  }

  @Test
  void aBuildPushesIntoItsTenantsProjectWithTheTenantsOwnAccount() throws Exception {
    REGISTRY.start(port);
    BuildApi api = new BuildApi(port, json);
    String name = "scratch-" + UUID.randomUUID().toString().substring(0, 6);
    api.create(
        name,
        """
        {"repositoryUrl":"%s","ref":"scratch","toolchain":"dockerfile",
             "dockerfile":"Dockerfile","image":"%s"}"""
            .formatted(git.url(repository), name));
    long number = api.trigger(name).path("number").asLong();
    JsonNode done = api.awaitEnd(name, number, Duration.ofMinutes(3));
    String log = api.log(name, number);
    assertThat(done.path("status").asString()).as(log).isEqualTo("SUCCEEDED");

    OciClient.Credentials own = robots.credentials("tenant-a");
    OciClient tenant =
        new OciClient(
            URI.create("http://" + REGISTRY.address()), own, HttpClient.newHttpClient(), json);
    String tag =
        done.path("image").asString().substring(done.path("image").asString().lastIndexOf(':') + 1);
    assertThat(tenant.manifestDigest("tenant-a/" + name, tag))
        .hasValue(done.path("digest").asString());
    assertThat(log).doesNotContain(own.password());
    // nobody without the tenant's account reads it
    assertThat(REGISTRY.status("/v2/tenant-a/" + name + "/manifests/" + tag)).isEqualTo(401);
  }
}
