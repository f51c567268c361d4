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

  /**
   * {@code java <args>} in {@code image} as it is (its {@code JAVA_TOOL_OPTIONS}, its user), with
   * no network and a 512 MiB memory limit; the image pulled is removed again.
   */
  static String java(String image, String... args) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "run",
                "--rm",
                "--tls-verify=false",
                "--network=none",
                "--memory=512m",
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1000:1000",
                "--entrypoint",
                "java",
                image));
    argv.addAll(List.of(args));
    try {
      return podman(argv.toArray(String[]::new));
    } finally {
      podman("rmi", "--ignore", image);
    }
  }

  /** The names of the containers, running or not, whose names start with {@code prefix}. */
  static String containers(String prefix) throws Exception {
    return podman("ps", "--all", "--format", "{{.Names}}", "--filter", "name=" + prefix).trim();
  }
}
