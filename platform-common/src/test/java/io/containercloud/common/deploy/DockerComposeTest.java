package io.containercloud.common.deploy;

import static io.containercloud.common.deploy.ProjectFiles.ROOT;
import static io.containercloud.common.deploy.ProjectFiles.composeServices;
import static io.containercloud.common.deploy.ProjectFiles.defaultPort;
import static io.containercloud.common.deploy.ProjectFiles.map;
import static io.containercloud.common.deploy.ProjectFiles.serviceModules;
import static io.containercloud.common.deploy.ProjectFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml's shape; e2e's ComposeIT runs it with podman-compose and the images of
 * docker/compose.local.yml.
 */
class DockerComposeTest {

  private static final List<String> INFRASTRUCTURE =
      List.of("mysql", "etcd", "kafka", "elasticsearch", "bind");

  @Test
  void everyModuleIsAServiceBuiltFromItsJarWithHealthCheckAndMemoryLimit() {
    Map<String, Map<String, Object>> services = composeServices();
    for (String module : serviceModules()) {
      assertThat(services).as("service for module %s", module).containsKey(module);
      Map<String, Object> service = services.get(module);
      assertThat(map(map(service, "build"), "args")).containsEntry("MODULE", module);
      assertThat(service).containsKey("mem_limit");
      String port = String.valueOf(defaultPort(module));
      assertThat(map(service, "environment")).containsEntry("SERVER_PORT", port);
      assertThat(map(service, "healthcheck").get("test").toString())
          .contains("http://127.0.0.1:" + port + "/actuator/health/readiness");
    }
  }

  @Test
  void servicesWaitForHealthyDependencies() {
    Map<String, Map<String, Object>> services = composeServices();
    for (String module : serviceModules()) {
      Map<String, Object> dependsOn = map(services.get(module), "depends_on");
      if (!module.equals("kube-sim")) {
        assertThat(dependsOn).as("dependencies of %s", module).isNotEmpty();
      }
      dependsOn.forEach(
          (dependency, spec) -> {
            assertThat(services).as("%s depends on %s", module, dependency).containsKey(dependency);
            assertThat(((Map<?, ?>) spec).get("condition")).isEqualTo("service_healthy");
          });
    }
  }

  @Test
  void infrastructureUsesOfficialImagesWithHealthChecks() {
    Map<String, Map<String, Object>> services = composeServices();
    for (String server : INFRASTRUCTURE) {
      assertThat(services.get(server)).as(server).containsKeys("image", "healthcheck", "mem_limit");
    }
    assertThat(services.get("mysql").get("image").toString()).startsWith("mysql:8");
    assertThat(services.get("etcd").get("image").toString()).contains("etcd:v3.5");
  }

  @Test
  void theLocalOverrideGivesEveryInfrastructureServiceAnImageBuiltHere() {
    Map<String, Object> local = map(yaml("docker/compose.local.yml"), "services");
    assertThat(local.keySet()).containsExactlyInAnyOrderElementsOf(INFRASTRUCTURE);
    for (String server : INFRASTRUCTURE) {
      // scripts/images.sh infra builds docker/local/<name> as infra-<name>
      String image = map(local, server).get("image").toString();
      assertThat(image).startsWith("localhost/container-cloud/infra-").endsWith(":local");
      String folder = image.substring(image.indexOf("infra-") + 6, image.lastIndexOf(':'));
      assertThat(ROOT.resolve("docker/local/" + folder + "/Dockerfile")).as(server).exists();
    }
  }
}
