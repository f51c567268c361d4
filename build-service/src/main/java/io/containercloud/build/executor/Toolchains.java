package io.containercloud.build.executor;

import io.containercloud.build.configuration.model.Toolchain;
import java.util.List;
import java.util.Optional;

/** What each toolchain's build does, the same whichever executor runs it. */
public final class Toolchains {

  /** Where the compile leaves the APM agent, in the context directory. */
  public static final String APM_AGENT = ".platform/opentelemetry-javaagent.jar";

  /** Where a Java compile leaves the one application jar, in the context directory. */
  public static final String JAVA_JAR = ".platform/app.jar";

  /** Where a Go compile leaves its program, in the context directory. */
  public static final String GO_PROGRAM = ".platform/app";

  // fixed scripts: nothing of a configuration is part of them. Node trusts the system's
  // certificate authorities (a TLS-inspecting proxy's among them) besides its own; the image gets
  // the production dependencies only, and no git history
  private static final String NODE =
      """
      set -eu
      export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
      npm ci --cache /cache/npm --no-audit --no-fund
      npm run build --if-present
      npm prune --omit=dev --no-audit --no-fund
      rm -rf .git
      """;

  // a static program (no C library needed at run time), module and build caches in the tenant's
  private static final String GO =
      """
      set -eu
      mkdir -p .platform
      export CGO_ENABLED=0 GOPATH=/tmp/go GOMODCACHE=/cache/go/mod GOCACHE=/cache/go/build
      go build -trimpath -o .platform/app .
      """;

  // the one application jar of a Java build tool's output folder ($1), left as JAVA_JAR
  private static final String APPLICATION_JAR =
      """
      application_jar() {
        libs=$1
        set --
        for jar in "$libs"/*.jar; do
          case "$jar" in
            *-sources.jar|*-javadoc.jar|*-plain.jar|*/original-*) ;;
            *) [ -f "$jar" ] && set -- "$@" "$jar" ;;
          esac
        done
        if [ "$#" -ne 1 ]; then
          echo "the compile must leave one application jar in $libs/, found: $*" >&2
          exit 1
        fi
        mkdir -p .platform
        cp "$1" .platform/app.jar
      }
      """;

  // $1, when given, the APM agent's coordinates: maven-dependency-plugin fetches it in the same run
  // (checksums checked) to APM_AGENT
  private static final String MAVEN =
      APPLICATION_JAR
          + """
          set -eu
          if [ "$#" -gt 0 ]; then
            set -- org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy "-Dartifact=$1" \\
              -DoutputDirectory=.platform -Dmdep.stripVersion=true
          fi
          mvn -B -ntp -Dmaven.repo.local=/cache/maven -DskipTests package "$@"
          application_jar target
          """;

  // the project's own Gradle wrapper when it brings one (the version the team tested with; its
  // distribution must be reachable), else the builder's gradle. $1, when given, the APM agent's
  // coordinates: an init script resolves it from the project's own repositories in the same run
  private static final String GRADLE =
      APPLICATION_JAR
          + """
          set -eu
          export GRADLE_USER_HOME=/cache/gradle
          if [ "$#" -gt 0 ]; then
            cat > /tmp/platform-apm.gradle <<'INIT'
          gradle.rootProject { project ->
            project.configurations.create('platformApm')
            project.dependencies.add('platformApm', project.property('platformApmAgent'))
            project.tasks.create('platformApm', Copy) {
              from project.configurations.getByName('platformApm')
              into '.platform'
              rename { 'opentelemetry-javaagent.jar' }
            }
          }
          INIT
            set -- -I /tmp/platform-apm.gradle "-PplatformApmAgent=$1" platformApm
          fi
          if [ -f gradlew ] && [ -f gradle/wrapper/gradle-wrapper.jar ]; then
            sh ./gradlew --no-daemon --console=plain assemble "$@"
          else
            gradle --no-daemon --console=plain assemble "$@"
          fi
          application_jar build/libs
          """;

  private Toolchains() {}

  /**
   * The compile step's program, run in the toolchain's builder image in the context directory with
   * the tenant's dependency cache at {@code /cache}; empty for a toolchain without a compile step
   * or whose compile is not known yet. A Java compile leaves its one application jar as {@link
   * #JAVA_JAR}; with {@code apmAgent} (Maven coordinates), the same run fetches the agent from the
   * project's Maven repositories to {@link #APM_AGENT}.
   */
  public static Optional<List<String>> compile(Toolchain toolchain, String apmAgent) {
    return switch (toolchain) {
      case JAVA_MAVEN -> Optional.of(script(MAVEN, "maven", apmAgent));
      case JAVA_GRADLE -> Optional.of(script(GRADLE, "gradle", apmAgent));
      case NODE -> Optional.of(List.of("sh", "-c", NODE, "node"));
      case GO -> Optional.of(List.of("sh", "-c", GO, "go"));
      default -> Optional.empty();
    };
  }

  private static List<String> script(String script, String name, String apmAgent) {
    return apmAgent == null
        ? List.of("sh", "-c", script, name)
        : List.of("sh", "-c", script, name, apmAgent);
  }

  /** Whether the executors know how to build this toolchain's code. */
  public static boolean known(Toolchain toolchain) {
    return toolchain == Toolchain.DOCKERFILE || compile(toolchain, null).isPresent();
  }

  /**
   * The generated Dockerfile of a Java service: its jar ({@link #JAVA_JAR}) on the platform's Java
   * runtime, the heap sized from the container's memory limit (the seed's OOM lesson), run as an
   * unprivileged user; with {@code apm}, the OpenTelemetry agent the compile fetched, loaded
   * through {@code JAVA_TOOL_OPTIONS} and naming the service after its image.
   */
  public static String javaDockerfile(String base, boolean apm, String service) {
    StringBuilder dockerfile =
        new StringBuilder("FROM ")
            .append(base)
            .append("\nCOPY ")
            .append(JAVA_JAR)
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

  /**
   * The generated Dockerfile of a Node or Go service on its base image ({@link #runtime}): the
   * compiled context (Node: with its production dependencies, started as {@code node .}, the
   * package's {@code main}) or the one program (Go), run as an unprivileged user.
   */
  public static String dockerfile(Toolchain toolchain, String base) {
    return switch (toolchain) {
      case NODE ->
          "FROM "
              + base
              + "\nWORKDIR /app\nCOPY . /app\nENV NODE_ENV=production\nUSER 1000:1000\n"
              + "ENTRYPOINT [\"node\", \".\"]\n";
      case GO ->
          "FROM "
              + base
              + "\nCOPY "
              + GO_PROGRAM
              + " /app/app\nUSER 1000:1000\nENTRYPOINT [\"/app/app\"]\n";
      default -> throw new IllegalArgumentException("no generated Dockerfile for " + toolchain);
    };
  }

  /**
   * The base image a toolchain's generated Dockerfile starts from, in the platform's project of
   * {@code registry}: a Java 17 runtime, Node, or a bare Debian with certificate authorities.
   */
  public static String runtime(Toolchain toolchain, String registry) {
    return registry
        + switch (toolchain) {
          case JAVA_MAVEN, JAVA_GRADLE -> "/platform/java-runtime:17";
          case NODE -> "/platform/node-runtime:18";
          default -> "/platform/base:bookworm";
        };
  }
}
