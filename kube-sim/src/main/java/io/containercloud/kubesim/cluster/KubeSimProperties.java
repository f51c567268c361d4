package io.containercloud.kubesim.cluster;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The simulated clusters ({@code kube-sim.*}).
 *
 * @param clusters how many clusters (machine rooms) to simulate
 * @param nodes nodes per cluster
 * @param basePort the first cluster's API port on 127.0.0.1, the next ones follow; 0 gives each
 *     cluster any free port (tests), the kubeconfigs name it
 * @param namePrefix clusters are named {@code <prefix>-1}, {@code <prefix>-2}, ...
 * @param kubeconfigDir where a kubeconfig per cluster is written
 * @param nodeCpu allocatable CPU per node, as a Kubernetes quantity
 * @param nodeMemory allocatable memory per node, as a Kubernetes quantity
 * @param nodePods allocatable pods per node
 * @param bindAddress where the API servers listen; loopback unless other hosts must reach them
 * @param advertisedHost the host name written into kubeconfigs
 * @param podReadyDelay how long a bound pod takes to turn Ready
 * @param podNetwork the first byte of pod addresses: the i-th cluster's pods get {@code
 *     <podNetwork>.<100+i>.x.y}; 127 puts them on loopback, where a server bound to the wildcard
 *     address on a pod's port answers for every pod (tests that send traffic to pods)
 * @param tick the longest a cluster's controllers go without a round (they run as soon as something
 *     changes or falls due)
 * @param roundGap the shortest time between the starts of two rounds of a cluster
 * @param jobDuration how long a Job's pod runs unless its {@code kube-sim/duration} annotation says
 * @param caValidity lifetime of each cluster's CA, made once per kubeconfig folder and kept there
 * @param servingCertValidity lifetime of each API server's serving certificate, issued at every
 *     start (never beyond its CA); a short one shows an expiring certificate
 */
@Validated
@ConfigurationProperties("kube-sim")
public record KubeSimProperties(
    @Min(1) @Max(50) @DefaultValue("3") int clusters,
    @Min(1) @Max(500) @DefaultValue("5") int nodes,
    @Min(0) @Max(65000) @DefaultValue("16443") int basePort,
    @NotBlank @Pattern(regexp = "[a-z][a-z0-9-]{0,40}") @DefaultValue("room") String namePrefix,
    @NotNull Path kubeconfigDir,
    @NotBlank @DefaultValue("8") String nodeCpu,
    @NotBlank @DefaultValue("32Gi") String nodeMemory,
    @Min(1) @DefaultValue("110") int nodePods,
    @NotBlank @DefaultValue("127.0.0.1") String bindAddress,
    @NotBlank @Pattern(regexp = "[A-Za-z0-9.-]{1,253}") @DefaultValue("127.0.0.1")
        String advertisedHost,
    @NotNull @DefaultValue("2s") Duration podReadyDelay,
    @Min(1) @Max(223) @DefaultValue("10") int podNetwork,
    @NotNull @DefaultValue("1s") Duration tick,
    @NotNull @DefaultValue("20ms") Duration roundGap,
    @NotNull @DefaultValue("3s") Duration jobDuration,
    @NotNull @DefaultValue("3650d") Duration caValidity,
    @NotNull @DefaultValue("365d") Duration servingCertValidity) {

  @AssertTrue(message = "ca-validity and serving-cert-validity must be at least a minute")
  boolean isCertificateValidityPositive() {
    Duration minute = Duration.ofMinutes(1);
    return caValidity == null
        || servingCertValidity == null
        || (caValidity.compareTo(minute) >= 0 && servingCertValidity.compareTo(minute) >= 0);
  }
}
