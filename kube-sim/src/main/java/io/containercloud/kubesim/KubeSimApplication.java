package io.containercloud.kubesim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Simulated Kubernetes clusters: real in-memory API servers on loopback, one per cluster. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KubeSimApplication {

  private static final Set<String> SHORT_OPTIONS = Set.of("clusters", "nodes", "base-port");

  public static void main(String[] args) {
    SpringApplication.run(KubeSimApplication.class, normalize(args));
  }

  /**
   * Accepts {@code --clusters 3 --nodes 5} as documented, besides Spring's {@code
   * --kube-sim.clusters=3}.
   */
  static String[] normalize(String[] args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : "";
      if (SHORT_OPTIONS.contains(name)) {
        String value =
            arg.contains("=") ? arg.split("=", 2)[1] : (i + 1 < args.length ? args[++i] : "");
        out.add("--kube-sim." + name + "=" + value);
      } else {
        out.add(arg);
      }
    }
    return out.toArray(String[]::new);
  }
}
