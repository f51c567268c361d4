package io.containercloud.logagent.source;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The node whose container logs this agent ships, and how its pods are told apart ({@code
 * platform.log-agent.*}).
 *
 * @param node the Kubernetes node this agent runs on (the downward API's {@code spec.nodeName} in a
 *     DaemonSet); only its pods are watched
 * @param cluster the cluster's name, stamped on every record
 * @param podLogs the kubelet's pod log folder ({@code podLogsDir})
 * @param stateDir where checkpoints are kept across restarts
 * @param kubeconfig the API server to read pods from; none means the pod's service account
 * @param metadataWait how long a new pod's files wait for its metadata before they are shipped
 *     under the tenant {@code _unassigned} (a pod deleted before the agent saw it)
 * @param labels which pod labels name the tenant, application and service
 */
@Validated
@ConfigurationProperties("platform.log-agent")
public record SourceProperties(
    @NotBlank String node,
    @NotBlank String cluster,
    @NotNull Path podLogs,
    @NotNull Path stateDir,
    Path kubeconfig,
    @NotNull @DefaultValue("30s") Duration metadataWait,
    @NotNull @Valid @DefaultValue Labels labels) {

  /**
   * @param tenant the label naming a pod's tenant
   * @param app the label naming the application it is part of
   * @param service the label naming its service
   */
  public record Labels(
      @NotBlank @DefaultValue("containercloud.io/tenant") String tenant,
      @NotBlank @DefaultValue("app.kubernetes.io/part-of") String app,
      @NotBlank @DefaultValue("app.kubernetes.io/name") String service) {}
}
