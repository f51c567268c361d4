package io.containercloud.common.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.LocalInfra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** What the project's own files say about its services: the build, compose, the chart. */
final class ProjectFiles {

  static final Path ROOT = LocalInfra.projectRoot();

  /** The libraries and the end-to-end tests: modules that run nowhere. */
  private static final Set<String> NOT_SERVICES = Set.of("platform-common", "nginx-model", "e2e");

  private ProjectFiles() {}

  /** The modules that run as a service, in the root pom's order. */
  static List<String> serviceModules() {
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
    List<String> modules =
        m.results().map(r -> r.group(1)).filter(n -> !NOT_SERVICES.contains(n)).toList();
    assertThat(modules).hasSize(11);
    return modules;
  }

  /** The port a module listens on when nothing sets SERVER_PORT. */
  static int defaultPort(String module) {
    Matcher m =
        Pattern.compile("port: \\$\\{SERVER_PORT:(\\d+)}")
            .matcher(read(module + "/src/main/resources/application.yml"));
    assertThat(m.find()).as("server.port of %s", module).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> composeServices() {
    return (Map<String, Map<String, Object>>) yaml("docker-compose.yml").get("services");
  }

  static Map<String, Object> yaml(String path) {
    return new Yaml(new LoaderOptions()).load(read(path));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  static String read(String path) {
    try {
      return Files.readString(ROOT.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
