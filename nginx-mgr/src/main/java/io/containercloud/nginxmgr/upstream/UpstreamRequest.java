package io.containercloud.nginxmgr.upstream;

import io.containercloud.nginx.model.Syntax;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginxmgr.store.TenantRequest;
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
 * An upstream as clients send it, stored as an {@link Upstream}: its two backend groups and which
 * of them serves. Container members are never taken from here (endpoint events set them).
 *
 * @param name the upstream's name within its cluster (what locations proxy to)
 * @param tenant the owning tenant: none for the caller's; a platform admin may name another
 * @param balance how requests are spread over members
 * @param vm static members (virtual or physical machines)
 * @param container a Kubernetes service whose ready pod addresses are the members
 * @param active which group serves: {@code vm}, {@code container} or {@code both}
 * @param weights with {@code both}, the share of each group (relative weights)
 * @param healthCheck how members are probed
 */
record UpstreamRequest(
    @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String name,
    @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String tenant,
    @NotNull Upstream.Balance balance,
    @Valid VmGroup vm,
    @Valid ContainerGroup container,
    @NotNull Upstream.Active active,
    @Valid Weights weights,
    @Valid @NotNull HealthCheck healthCheck)
    implements TenantRequest<Upstream> {

  /** nginx refuses {@code backup} under {@code ip_hash}: the whole configuration would fail. */
  @AssertTrue(message = "ip-hash balancing takes no backup members")
  boolean isBackupBalanced() {
    return balance != Upstream.Balance.IP_HASH
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

  /** A container group keeps the members stored for the same service, or has none yet. */
  @Override
  public Upstream toDocument(String owner, Upstream current) {
    Upstream upstream =
        new Upstream(
            name,
            owner,
            balance,
            vm == null ? null : vm.toDocument(),
            container == null ? null : container.toDocument(),
            active,
            weights == null ? null : weights.toDocument(),
            healthCheck.toDocument());
    boolean sameService =
        upstream.container() != null
            && current != null
            && upstream.container().sameService(current.container());
    return sameService ? upstream.withMembers(current.container().members()) : upstream;
  }

  /** The members of the vm group. */
  record VmGroup(@NotEmpty @Size(max = 256) List<@Valid @NotNull VmMember> members) {

    Upstream.VmGroup toDocument() {
      return new Upstream.VmGroup(members.stream().map(VmMember::toDocument).toList());
    }
  }

  /**
   * @param host a host name or IP address
   * @param port its port
   * @param weight relative share of requests
   * @param backup used only when the others are down
   * @param maxFails failures within failTimeout that mark it down
   * @param failTimeout how long it stays down
   */
  record VmMember(
      @NotNull @Size(max = 253) @Pattern(regexp = Syntax.HOST, message = Syntax.HOST_MESSAGE)
          String host,
      @NotNull @Min(1) @Max(65535) Integer port,
      @Min(1) @Max(100) Integer weight,
      Boolean backup,
      @Min(0) @Max(100) Integer maxFails,
      @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE) String failTimeout) {

    VmMember {
      backup = Boolean.TRUE.equals(backup);
    }

    Upstream.VmMember toDocument() {
      return new Upstream.VmMember(host, port, weight, backup, maxFails, failTimeout);
    }
  }

  /**
   * @param cluster the Kubernetes cluster
   * @param namespace the namespace
   * @param service the service whose ready pods serve
   * @param port the pods' port
   * @param members ignored: nginx-mgr keeps them from endpoint events (checked like any host, as an
   *     answer sent back holds them)
   */
  record ContainerGroup(
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String cluster,
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String namespace,
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String service,
      @NotNull @Min(1) @Max(65535) Integer port,
      @Size(max = 1024)
          List<@NotNull @Pattern(regexp = Syntax.HOST, message = Syntax.HOST_MESSAGE) String>
              members) {

    Upstream.ContainerGroup toDocument() {
      return new Upstream.ContainerGroup(cluster, namespace, service, port, List.of());
    }
  }

  /** Relative shares of the two groups when both serve. */
  record Weights(
      @NotNull @Min(0) @Max(100) Integer vm, @NotNull @Min(0) @Max(100) Integer container) {

    Upstream.Weights toDocument() {
      return new Upstream.Weights(vm, container);
    }
  }

  /**
   * @param interval between probes
   * @param rise successes that bring a member back
   * @param fall failures that take it out
   * @param timeout of one probe
   * @param path HTTP path probed
   * @param expectedStatuses statuses that count as healthy
   */
  record HealthCheck(
      @NotNull @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE)
          String interval,
      @NotNull @Min(1) @Max(10) Integer rise,
      @NotNull @Min(1) @Max(10) Integer fall,
      @NotNull @Pattern(regexp = Syntax.DURATION, message = Syntax.DURATION_MESSAGE) String timeout,
      @NotNull @Size(max = 256) @Pattern(regexp = Syntax.PATH, message = Syntax.PATH_MESSAGE)
          String path,
      @NotEmpty @Size(max = 10) List<@NotNull @Min(100) @Max(599) Integer> expectedStatuses) {

    Upstream.HealthCheck toDocument() {
      return new Upstream.HealthCheck(interval, rise, fall, timeout, path, expectedStatuses);
    }
  }
}
