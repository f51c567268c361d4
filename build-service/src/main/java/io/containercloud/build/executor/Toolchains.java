package io.containercloud.build.executor;

import io.containercloud.build.configuration.model.Toolchain;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What each toolchain's build does, the same whichever executor runs it. */
public final class Toolchains {

  /** Where the compile leaves the APM agent, in the context directory. */
  public static final String APM_AGENT = ".platform/opentelemetry-javaagent.jar";

  private static final String DEPENDENCY_PLUGIN =
      "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy";

  private Toolchains() {}

  /**
   * The compile step's program, run in the toolchain's builder image in the context directory with
   * the tenant's dependency cache at {@code /cache}; empty for a toolchain without a compile step
   * or whose compile is not known yet. With {@code apmAgent} (Maven coordinates), the same run
   * fetches the agent from the Maven repository, checksums checked, to {@link #APM_AGENT}.
   */
  public static Optional<List<String>> compile(Toolchain toolchain, String apmAgent) {
    if (toolchain != Toolchain.JAVA_MAVEN) {
      return Optional.empty();
    }
    List<String> maven =
        new ArrayList<>(
            List.of(
                "mvn", "-B", "-ntp", "-Dmaven.repo.local=/cache/maven", "-DskipTests", "package"));
    if (apmAgent != null) {
      maven.addAll(
          List.of(
              DEPENDENCY_PLUGIN,
              "-Dartifact=" + apmAgent,
              "-DoutputDirectory=.platform",
              "-Dmdep.stripVersion=true"));
    }
    return Optional.of(List.copyOf(maven));
  }

  /** Whether the executors know how to build this toolchain's code. */
  public static boolean known(Toolchain toolchain) {
    return toolchain == Toolchain.DOCKERFILE || compile(toolchain, null).isPresent();
  }

  /**
   * The generated Dockerfile of a Java service: its jar (a path in the context) on the platform's
   * Java runtime, the heap sized from the container's memory limit (the seed's OOM lesson), run as
   * an unprivileged user; with {@code apm}, the OpenTelemetry agent the compile fetched, loaded
   * through {@code JAVA_TOOL_OPTIONS} and naming the service after its image.
   */
  public static String javaDockerfile(String base, String jar, boolean apm, String service) {
    StringBuilder dockerfile =
        new StringBuilder("FROM ")
            .append(base)
            .append("\nCOPY ")
            .append(jar)
            .append(" /app/app.jar\n");
    String options = "-XX:MaxRAMPercentage=75";
    if (apm) {
      dockerfile.append("COPY ").append(APM_AGENT).append(" /app/opentelemetry-javaagent.jar\n");
      dockerfile.append("ENV OTEL_SERVICE_NAME=\"").append(service).append("\"\n");
      options += " -javaagent:/app/opentelemetry-javaagent.jar";
    }
    return dockerfile
        .append("ENV JAVA_TOOL_OPTIONS=\"")
        .append(options)
        .append("\"\n")
        .append("USER 1000:1000\n")
        .append("ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]\n")
        .toString();
  }
}
