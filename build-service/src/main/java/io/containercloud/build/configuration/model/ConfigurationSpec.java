package io.containercloud.build.configuration.model;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * What a build configuration says, as a client sends it. Every string ends up in a git command, a
 * Dockerfile, a container's arguments or a Job spec, so each is held to an allow-list here, and the
 * repository URL to the allowed hosts by {@link GitSource}.
 *
 * @param repositoryUrl the git repository ({@code https}, {@code http} or {@code git} scheme, an
 *     allowed host, no credentials, query or fragment)
 * @param ref a branch, a tag or a full commit id
 * @param contextDirectory the build's folder inside the repository ({@code .} for its root)
 * @param toolchain how the code is compiled
 * @param dockerfile the Dockerfile inside the context; required for {@code dockerfile}, otherwise
 *     the toolchain's generated one when absent
 * @param image the repository inside the tenant's project the image is pushed to ({@code orders}
 *     becomes {@code <registry>/<tenant>/orders})
 * @param tagTemplate the image tag ({@link TagTemplate})
 * @param buildArguments {@code --build-arg}s of the image build
 * @param resources the build's CPU and memory limits
 * @param timeoutSeconds a build still running after this is stopped and failed
 * @param apm whether a Java image gets the OpenTelemetry agent
 * @param maxConcurrent builds of this configuration that may run at once (1: one at a time)
 */
public record ConfigurationSpec(
    @NotNull @Size(max = 512) String repositoryUrl,
    @NotNull
        @Pattern(
            regexp = "(?![-/])(?!.*\\.\\.)(?!.*//)(?!.*/$)(?!.*\\.lock$)[A-Za-z0-9._/-]{1,255}",
            message = "must be a branch, tag or commit: letters, digits, '.', '_', '/', '-'")
        String ref,
    @Pattern(regexp = RELATIVE_PATH, message = RELATIVE_PATH_MESSAGE) String contextDirectory,
    @NotNull Toolchain toolchain,
    @Pattern(regexp = RELATIVE_PATH, message = RELATIVE_PATH_MESSAGE) String dockerfile,
    @NotNull
        @Pattern(
            regexp = "(?=.{1,200}$)[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*",
            message = "must be a lowercase repository path like orders or team/orders")
        String image,
    @Pattern(regexp = TagTemplate.SHAPE, message = "must be a tag with placeholders")
        String tagTemplate,
    @Size(max = 32)
        Map<
                @Pattern(
                    regexp = "[A-Za-z_][A-Za-z0-9_]{0,63}",
                    message = "must be an argument name")
                String,
                @NotNull
                @Pattern(
                    regexp = "[^\\p{Cntrl}]{0,1024}",
                    message = "must be at most 1024 characters without control characters")
                String>
            buildArguments,
    @Valid Resources resources,
    @Min(60) @Max(7200) Integer timeoutSeconds,
    Boolean apm,
    @Min(1) @Max(5) Integer maxConcurrent) {

  /** A relative path without {@code ..}, leading {@code -} or empty components. */
  static final String RELATIVE_PATH =
      "(?=.{1,255}$)(\\.|(?!-)(?!\\.\\.?(/|$))[A-Za-z0-9_.-]+(/(?!-)(?!\\.\\.?(/|$))[A-Za-z0-9_.-]+)*)";

  static final String RELATIVE_PATH_MESSAGE =
      "must be a relative path of letters, digits, '.', '_', '-' without '..'";

  public ConfigurationSpec {
    contextDirectory = contextDirectory == null ? "." : contextDirectory;
    tagTemplate = tagTemplate == null ? "{branch}-{shortSha}" : tagTemplate;
    buildArguments = buildArguments == null ? Map.of() : Map.copyOf(buildArguments);
    resources = resources == null ? new Resources(null, null) : resources;
    timeoutSeconds = timeoutSeconds == null ? 1800 : timeoutSeconds;
    apm = apm != null && apm;
    maxConcurrent = maxConcurrent == null ? 1 : maxConcurrent;
  }

  /**
   * The build's limits: CPU ({@code 500m}, {@code 2}; at most 8) and memory ({@code 2Gi}; at most
   * 16Gi).
   */
  public record Resources(
      @Pattern(regexp = "([1-9][0-9]{0,3}m|[1-8])", message = "must be a CPU amount up to 8")
          String cpu,
      @Pattern(
              regexp = "([1-9][0-9]{0,3}Mi|([1-9]|1[0-6])Gi)",
              message = "must be a memory amount up to 16Gi, in Mi or Gi")
          String memory) {

    public Resources {
      cpu = cpu == null ? "2" : cpu;
      memory = memory == null ? "2Gi" : memory;
    }
  }
}
