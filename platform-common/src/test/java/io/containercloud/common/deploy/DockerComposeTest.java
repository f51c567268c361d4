package io.containercloud.common.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.LocalInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml cannot run here (no Docker engine), so its shape is checked instead. */
class DockerComposeTest {

  private static final Path ROOT = LocalInfra.projectRoot();
  private static final List<String> INFRASTRUCTURE =
      List.of("mysql", "etcd", "kafka", "elasticsearch", "bind");

  /** The libraries and the end-to-end tests: modules that run nowhere. */
  private static final Set<String> NOT_SERVICES = Set.of("platform-common", "nginx-model", "e2e");

  @Test
  void everyModuleIsAServiceBuiltFromItsJarWithHealthCheckAndMemoryLimit() throws IOException {
    Map<String, Map<String, Object>> services = services();
    for (String module : serviceModules()) {
      assertThat(services).as("service for module %s", module).containsKey(module);
      Map<String, Object> service = services.get(module);
      assertThat(map(map(service, "build"), "args")).containsEntry("MODULE", module);
      assertThat(service).containsKey("mem_limit");
      String port = defaultPort(module);
      assertThat(map(service, "environment")).containsEntry("SERVER_PORT", port);
      assertThat(map(service, "healthcheck").get("test").toString())
          .contains("http://127.0.0.1:" + port + "/actuator/health/readiness");
    }
  }

  @Test
  void servicesWaitForHealthyDependencies() throws IOException {
    Map<String, Map<String, Object>> services = services();
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
  void infrastructureUsesOfficialImagesWithHealthChecks() throws IOException {
    Map<String, Map<String, Object>> services = services();
    for (String server : INFRASTRUCTURE) {
      assertThat(services.get(server)).as(server).containsKeys("image", "healthcheck", "mem_limit");
    }
    assertThat(services.get("mysql").get("image").toString()).startsWith("mysql:8");
    assertThat(services.get("etcd").get("image").toString()).contains("etcd:v3.5");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws IOException {
    Map<String, Object> compose =
        new Yaml(new LoaderOptions()).load(Files.readString(ROOT.resolve("docker-compose.yml")));
    return (Map<String, Map<String, Object>>) compose.get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  private static List<String> serviceModules() throws IOException {
    Matcher m =
        Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    List<String> modules =
        m.results().map(r -> r.group(1)).filter(n -> !NOT_SERVICES.contains(n)).toList();
    assertThat(modules).hasSize(11);
    return modules;
  }

  private static String defaultPort(String module) throws IOException {
    String yml = Files.readString(ROOT.resolve(module + "/src/main/resources/application.yml"));
    Matcher m = Pattern.compile("port: \\$\\{SERVER_PORT:(\\d+)}").matcher(yml);
    assertThat(m.find()).as("server.port of %s", module).isTrue();
    return m.group(1);
  }
}
