package io.containercloud.build.executor;

import io.containercloud.build.configuration.model.Toolchain;
import java.util.List;
import java.util.Optional;

/** What each toolchain's build does, the same whichever executor runs it. */
public final class Toolchains {

  private Toolchains() {}

  /**
   * The compile step's program, run in the toolchain's builder image in the context directory with
   * the tenant's dependency cache at {@code /cache}; empty for a toolchain without a compile step
   * or whose compile is not known yet.
   */
  public static Optional<List<String>> compile(Toolchain toolchain) {
    return switch (toolchain) {
      case JAVA_MAVEN ->
          Optional.of(
              List.of(
                  "mvn",
                  "-B",
                  "-ntp",
                  "-Dmaven.repo.local=/cache/maven",
                  "-DskipTests",
                  "package"));
      default -> Optional.empty();
    };
  }

  /** Whether the executors know how to build this toolchain's code. */
  public static boolean known(Toolchain toolchain) {
    return toolchain == Toolchain.DOCKERFILE || compile(toolchain).isPresent();
  }

  /**
   * The generated Dockerfile of a Java service: its jar (a path in the context) on the platform's
   * Java runtime, the heap sized from the container's memory limit (the seed's OOM lesson), run as
   * an unprivileged user.
   */
  public static String javaDockerfile(String base, String jar) {
    return "FROM "
        + base
        + "\nCOPY "
        + jar
        + " /app/app.jar\n"
        + "ENV JAVA_TOOL_OPTIONS=\"-XX:MaxRAMPercentage=75\"\n"
        + "USER 1000:1000\n"
        + "ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]\n";
  }
}
