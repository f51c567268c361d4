package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Programs of the machine (podman, buildah, the project's scripts) run to their end. */
final class Commands {

  private Commands() {}

  /** How a command ended. */
  record Result(int exit, String output) {}

  /** Runs {@code argv} with {@code env} added to this environment, insisting it exits 0. */
  static String run(Duration limit, Map<String, String> env, List<String> argv) {
    Result result = attempt(limit, env, argv);
    assertThat(result.exit()).as("%s: %s", argv, result.output()).isZero();
    return result.output();
  }

  static String run(Duration limit, String... argv) {
    return run(limit, Map.of(), List.of(argv)).trim();
  }

  /** Runs {@code argv}, whatever its exit; it must end within {@code limit}. */
  static Result attempt(Duration limit, Map<String, String> env, List<String> argv) {
    try {
      Path out = Files.createTempFile("command", ".out");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
          process.destroyForcibly().waitFor();
        }
        String output = Files.readString(out);
        assertThat(finished).as("%s ended within %s: %s", argv, limit, output).isTrue();
        return new Result(process.exitValue(), output);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code podman <command> <args>} as it runs containers here: runc (crun needs cgroup v2) and
   * limits below the machine's hard ones (BUILDS.md, "Real containers").
   */
  static List<String> podman(String command, String... args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "podman",
                "--runtime",
                "runc",
                command,
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=4096:4096"));
    argv.addAll(List.of(args));
    return argv;
  }
}
