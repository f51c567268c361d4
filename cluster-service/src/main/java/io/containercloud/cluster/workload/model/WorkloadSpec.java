package io.containercloud.cluster.workload.model;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * What a workload asks of every cluster it runs in, apart from its image and replica count. Every
 * string here ends up in a Deployment or a Service, so each is checked against an allow-list.
 *
 * @param application the application the workload belongs to (a label on everything it creates)
 * @param resources requests and limits of one replica; limits are required
 * @param ports container ports, each also served by the workload's Service
 * @param env environment variables
 * @param readiness when a replica may take traffic (none: as soon as it runs)
 * @param liveness when a replica is restarted (none: never by probe)
 * @param clusters the clusters it may run in; empty means every registered cluster
 * @param jvmOptions whether {@code JAVA_TOOL_OPTIONS} is sized from the limits (default true)
 * @param dnsPolicy {@code Default} (the company DNS, the default) or {@code ClusterFirst}
 * @param follow the image whose pushes roll the workload (none: only the API changes its image)
 */
public record WorkloadSpec(
    @NotNull @Pattern(regexp = Names.LABEL, message = Names.LABEL_MESSAGE) String application,
    @NotNull @Valid Resources resources,
    @Size(max = 16) List<@NotNull @Valid Port> ports,
    @Size(max = 64)
        Map<
                @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,127}", message = "must be an env name")
                String,
                @NotNull
                @Pattern(
                    regexp = "[^\\p{Cntrl}]{0,4096}",
                    message = "must be at most 4096 characters without control characters")
                String>
            env,
    @Valid Probe readiness,
    @Valid Probe liveness,
    @Size(max = 32)
        List<@NotNull @Pattern(regexp = Names.LABEL, message = Names.LABEL_MESSAGE) String>
            clusters,
    Boolean jvmOptions,
    @Pattern(regexp = "Default|ClusterFirst", message = "must be Default or ClusterFirst")
        String dnsPolicy,
    @Valid Follow follow) {

  public WorkloadSpec {
    ports = ports == null ? List.of() : List.copyOf(ports);
    env = env == null ? Map.of() : Map.copyOf(env);
    clusters = clusters == null ? List.of() : clusters.stream().distinct().sorted().toList();
    jvmOptions = jvmOptions == null || jvmOptions;
    dnsPolicy = dnsPolicy == null ? "Default" : dnsPolicy;
  }

  /**
   * Requests and limits of one replica.
   *
   * @param ephemeralStorage the ephemeral-storage limit (default from configuration, 10Gi)
   */
  public record Resources(
      @NotNull @Valid Amounts requests,
      @NotNull @Valid Amounts limits,
      @Pattern(regexp = Names.MEMORY, message = Names.MEMORY_MESSAGE) String ephemeralStorage) {}

  /** CPU ({@code 500m}, {@code 2}) and memory ({@code 512Mi}). */
  public record Amounts(
      @NotNull @Pattern(regexp = Names.CPU, message = Names.CPU_MESSAGE) String cpu,
      @NotNull @Pattern(regexp = Names.MEMORY, message = Names.MEMORY_MESSAGE) String memory) {}

  /** A container port, served by the Service under the same name. */
  public record Port(
      @NotNull
          @Pattern(
              regexp = Names.PORT_NAME,
              message = "must be a lowercase port name of up to 15 with a letter")
          String name,
      @NotNull @Min(1) @Max(65535) Integer port,
      @Pattern(regexp = "TCP|UDP", message = "must be TCP or UDP") String protocol) {

    public Port {
      protocol = protocol == null ? "TCP" : protocol;
    }
  }

  /** An HTTP GET probe when {@code path} is set, otherwise a TCP connect. */
  public record Probe(
      @Pattern(regexp = "/[A-Za-z0-9._~/-]{0,255}", message = "must be an absolute URL path")
          String path,
      @NotNull @Min(1) @Max(65535) Integer port,
      @Min(0) @Max(3600) Integer initialDelaySeconds,
      @Min(1) @Max(300) Integer periodSeconds) {}
}
