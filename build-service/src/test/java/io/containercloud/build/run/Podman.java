package io.containercloud.build.run;

import java.util.ArrayList;
import java.util.List;

/** podman on this host, as the tests run and inspect what the local executor left. */
final class Podman {

  private Podman() {}

  /** {@code podman <args>} with the runtime the local executor uses; its output, or it fails. */
  static String podman(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("podman", "--runtime", "runc"));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + ": " + output);
    }
    return output;
  }

  /** The names of the containers, running or not, whose names start with {@code prefix}. */
  static String containers(String prefix) throws Exception {
    return podman("ps", "--all", "--format", "{{.Names}}", "--filter", "name=" + prefix).trim();
  }
}
