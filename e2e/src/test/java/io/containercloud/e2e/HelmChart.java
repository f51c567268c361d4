package io.containercloud.e2e;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.containercloud.common.testing.LocalInfra;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** helm/container-cloud as Helm renders it, for release {@value #RELEASE}. */
final class HelmChart {

  static final Path DIR = LocalInfra.projectRoot().resolve("helm/container-cloud");
  static final String RELEASE = "cc";
  static final String PREFIX = "cc-container-cloud-";

  /** The chart's services, one Deployment each. */
  static final List<String> SERVICES =
      List.of(
          "gateway",
          "cluster-service",
          "app-orchestrator",
          "build-service",
          "nginx-mgr",
          "dns-service",
          "log-center",
          "audit-service");

  /**
   * helm-java's Helm reports itself as Kubernetes 1.20 when no cluster is asked; the chart needs
   * 1.27 or later, as `helm template` of the CLI would claim.
   */
  private static final String KUBE_VERSION = "1.32.0";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private HelmChart() {}

  static Helm helm() {
    return new Helm(DIR);
  }

  static Path values(String name) {
    return DIR.resolve("ci/" + name + "-values.yaml");
  }

  /** The manifests of `helm template` with these values files and further settings. */
  static List<HasMetadata> render(List<Path> valuesFiles, UnaryOperator<TemplateCommand> more) {
    TemplateCommand command = helm().template().withName(RELEASE).withKubeVersion(KUBE_VERSION);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    return parse(more.apply(command).call());
  }

  static List<HasMetadata> render(String valuesName) {
    return render(List.of(values(valuesName)), command -> command);
  }

  /** Settings given as --set would give them. */
  static UnaryOperator<TemplateCommand> set(Map<String, Object> settings) {
    return command -> {
      TemplateCommand result = command;
      for (Map.Entry<String, Object> setting : settings.entrySet()) {
        result = result.set(setting.getKey(), setting.getValue());
      }
      return result;
    };
  }

  static List<HasMetadata> parse(String manifests) {
    return Arrays.stream(manifests.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(line -> line.startsWith("kind:")))
        .map(doc -> SERIALIZATION.unmarshal(doc, HasMetadata.class))
        .toList();
  }

  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> kind, String name) {
    return (T)
        objects.stream()
            .filter(kind::isInstance)
            .filter(o -> o.getMetadata().getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name));
  }
}
