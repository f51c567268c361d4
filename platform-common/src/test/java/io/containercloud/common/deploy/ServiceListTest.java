package io.containercloud.common.deploy;

import static io.containercloud.common.deploy.ProjectFiles.defaultPort;
import static io.containercloud.common.deploy.ProjectFiles.map;
import static io.containercloud.common.deploy.ProjectFiles.read;
import static io.containercloud.common.deploy.ProjectFiles.serviceModules;
import static io.containercloud.common.deploy.ProjectFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One list of services, the build's modules: the local platform (scripts/platform.sh), compose
 * (DockerComposeTest) and the Helm chart each run all of them, each on the port it listens on by
 * default, so none can be forgotten in one place or drift to another port.
 */
class ServiceListTest {

  private static final String CHART = "helm/container-cloud/";

  /** Started one per simulated node by scripts/platform.sh, not from its SERVICES list. */
  private static final String PER_NODE = "log-agent";

  /** Not in the chart: kube-sim stands in for the clusters the chart is installed into. */
  private static final Set<String> NOT_IN_CHART = Set.of("kube-sim");

  @Test
  void theLocalPlatformStartsEveryModuleOnItsDefaultPort() {
    Matcher m =
        Pattern.compile("(?s)\nSERVICES=\\(([^)]*)\\)").matcher(read("scripts/platform.sh"));
    assertThat(m.find()).as("SERVICES=(...) in scripts/platform.sh").isTrue();
    Map<String, Integer> started = new LinkedHashMap<>();
    for (String entry : m.group(1).trim().split("\\s+")) {
      String[] nameAndPort = entry.split(":");
      started.put(nameAndPort[0], Integer.parseInt(nameAndPort[1]));
    }
    List<String> expected =
        serviceModules().stream().filter(module -> !module.equals(PER_NODE)).toList();
    assertThat(started.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    started.forEach(
        (module, port) -> assertThat(port).as("port of %s", module).isEqualTo(defaultPort(module)));
  }

  @Test
  void theImageScriptBuildsEveryModuleThatRuns() {
    Matcher m = Pattern.compile("(?s)\nMODULES=\\(([^)]*)\\)").matcher(read("scripts/images.sh"));
    assertThat(m.find()).as("MODULES=(...) in scripts/images.sh").isTrue();
    assertThat(m.group(1).trim().split("\\s+"))
        .containsExactlyInAnyOrderElementsOf(serviceModules());
  }

  @Test
  void theChartRunsEveryServiceOnItsDefaultPortFromItsOwnTemplate() {
    Map<String, Object> values = yaml(CHART + "values.yaml");
    Map<String, Object> services = map(values, "services");
    Map<String, Object> daemons = map(values, "daemons");
    List<String> run = new ArrayList<>(services.keySet());
    run.addAll(daemons.keySet());
    assertThat(run)
        .as("services (Deployments) and daemons (DaemonSets)")
        .containsExactlyInAnyOrderElementsOf(
            serviceModules().stream().filter(module -> !NOT_IN_CHART.contains(module)).toList());
    for (String service : services.keySet()) {
      assertThat(map(services, service).get("port"))
          .as("port of %s in the chart", service)
          .isEqualTo(defaultPort(service));
      assertThat(read(CHART + "templates/" + service + ".yaml"))
          .as("templates/%s.yaml", service)
          .contains("include \"cc.workload\" (dict \"root\" . \"name\" \"" + service + "\"");
    }
    for (String daemon : daemons.keySet()) {
      assertThat(map(daemons, daemon).get("port"))
          .as("port of %s in the chart", daemon)
          .isEqualTo(defaultPort(daemon));
      assertThat(read(CHART + "templates/" + daemon + ".yaml")).contains("kind: DaemonSet");
    }
  }

  @Test
  void theChartSchemaRequiresEveryServiceItRuns() {
    Map<String, Object> schema = yaml(CHART + "values.schema.json");
    Map<String, Object> services = map(map(schema, "properties"), "services");
    List<String> required =
        Arrays.stream(((List<?>) services.get("required")).toArray()).map(String::valueOf).toList();
    assertThat(required)
        .containsExactlyInAnyOrderElementsOf(map(yaml(CHART + "values.yaml"), "services").keySet());
    assertThat(map(services, "properties").keySet()).containsExactlyInAnyOrderElementsOf(required);
  }
}
