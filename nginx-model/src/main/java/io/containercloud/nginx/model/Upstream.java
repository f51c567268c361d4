package io.containercloud.nginx.model;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * An upstream of an nginx cluster ({@code /nginx/v1/clusters/<cluster>/upstreams/<name>}) with its
 * two backend groups and which of them serves.
 *
 * @param name the upstream's name within its cluster (what locations proxy to)
 * @param tenant the owning tenant
 * @param balance how requests are spread over members
 * @param vm static members (virtual or physical machines)
 * @param container a Kubernetes service whose ready pod addresses are the members
 * @param active which group serves: {@code vm}, {@code container} or {@code both}
 * @param weights with {@code both}, the share of each group (relative weights)
 * @param healthCheck how members are probed
 */
public record Upstream(
    @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String name,
    @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String tenant,
    @NotNull Balance balance,
    @Valid VmGroup vm,
    @Valid ContainerGroup container,
    @NotNull Active active,
    @Valid Weights weights,
    @Valid @NotNull HealthCheck healthCheck)
    implements TenantOwned {

  /** A copy whose container group has these members. */
  public Upstream withMembers(List<String> members) {
    ContainerGroup group =
        container == null
            ? null
            : new ContainerGroup(
                container.cluster(),
                container.namespace(),
                container.service(),
                container.port(),
                List.copyOf(members));
    return new Upstream(name, tenant, balance, vm, group, active, weights, healthCheck);
  }

  /** A copy whose vm group has only these members. */
  public Upstream withVmMembers(List<VmMember> members) {
    return new Upstream(
        name,
        tenant,
        balance,
        new VmGroup(List.copyOf(members)),
        container,
        active,
        weights,
        healthCheck);
  }

  /** nginx refuses {@code backup} under {@code ip_hash}: the whole configuration would fail. */
  @AssertTrue(message = "ip-hash balancing takes no backup members")
  boolean isBackupBalanced() {
    return balance != Balance.IP_HASH
        || vm == null
        || vm.members() == null
        || vm.members().stream().noneMatch(m -> m != null && m.backup());
  }

  @AssertTrue(message = "the active group(s) must be defined (vm, container or both)")
  boolean isActiveDefined() {
    return active == null
        || switch (active) {
          case VM -> vm != null;
          case CONTAINER -> container != null;
          case BOTH -> vm != null && container != null && weights != null;
        };
  }

  /** The members of the vm group. */
  public record VmGroup(@NotEmpty @Size(max = 256) List<@Valid @NotNull VmMember> members) {}

  /**
   * @param host a host name or IP address
   * @param port its port
   * @param weight relative share of requests
   * @param backup used only when the others are down
   * @param maxFails failures within failTimeout that mark it down
   * @param failTimeout how long it stays down
   */
  public record VmMember(
      @NotNull @Size(max = 253) @Pattern(regexp = Syntax.HOST, message = Syntax.HOST_MESSAGE)
          String host,
      @NotNull @Min(1) @Max(65535) Integer port,
      @Min(1) @Max(100) Integer weight,
      Boolean backup,
      @Min(0) @Max(100) Integer maxFails,
      @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE) String failTimeout) {

    public VmMember {
      backup = Boolean.TRUE.equals(backup);
    }
  }

  /**
   * @param cluster the Kubernetes cluster
   * @param namespace the namespace
   * @param service the service whose ready pods serve
   * @param port the pods' port
   * @param members the current ready pod addresses (kept by nginx-mgr from endpoint events)
   */
  public record ContainerGroup(
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String cluster,
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String namespace,
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String service,
      @NotNull @Min(1) @Max(65535) Integer port,
      @Size(max = 1024)
          List<@NotNull @Pattern(regexp = Syntax.HOST, message = Syntax.HOST_MESSAGE) String>
              members) {

    /** Whether {@code other} names the same Kubernetes service. */
    public boolean sameService(ContainerGroup other) {
      return other != null
          && cluster.equals(other.cluster)
          && namespace.equals(other.namespace)
          && service.equals(other.service);
    }
  }

  /** Relative shares of the two groups when both serve. */
  public record Weights(
      @NotNull @Min(0) @Max(100) Integer vm, @NotNull @Min(0) @Max(100) Integer container) {}

  /**
   * @param interval between probes
   * @param rise successes that bring a member back
   * @param fall failures that take it out
   * @param timeout of one probe
   * @param path HTTP path probed
   * @param expectedStatuses statuses that count as healthy
   */
  public record HealthCheck(
      @NotNull @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE)
          String interval,
      @NotNull @Min(1) @Max(10) Integer rise,
      @NotNull @Min(1) @Max(10) Integer fall,
      @NotNull @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE) String timeout,
      @NotNull @Size(max = 256) @Pattern(regexp = Syntax.PATH, message = Syntax.PATH_MESSAGE)
          String path,
      @NotEmpty @Size(max = 10) List<@NotNull @Min(100) @Max(599) Integer> expectedStatuses) {}

  public enum Balance {
    ROUND_ROBIN("round-robin"),
    LEAST_CONN("least-conn"),
    IP_HASH("ip-hash");

    private final String json;

    Balance(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }

  public enum Active {
    VM("vm"),
    CONTAINER("container"),
    BOTH("both");

    private final String json;

    Active(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }
}
