package io.containercloud.nginxagent.nginx;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The nginx host this agent runs ({@code platform.nginx-agent.*}).
 *
 * @param cluster the nginx cluster whose configuration the agent follows in etcd
 * @param hostId this host's name in reports; unique within the cluster
 * @param nginxBinary the nginx (or Tengine) executable
 * @param prefix nginx's prefix folder, holding {@code conf/}, {@code logs/} and temp paths
 * @param reloadInterval the shortest time between two reloads; bursts are coalesced
 * @param listenAddress the address virtual servers listen on
 * @param certDir where the certificate and key files that servers name are
 * @param workerProcesses nginx {@code worker_processes}: a number or {@code auto}
 * @param reportTtl how long a report outlives the agent (the lease's time to live)
 * @param stopNginxOnExit whether stopping the agent stops nginx too (by default nginx keeps serving
 *     the last good configuration)
 * @param dynamic {@code auto}: members, weights, backups and group switches are pushed to nginx's
 *     Lua balancer without a reload when nginx loads the Lua module (found at start); {@code off}:
 *     every change is rendered and reloaded
 * @param luaModules the module files that give nginx Lua ({@code load_module}), Debian's {@code
 *     libnginx-mod-http-lua} by default
 * @param pushInterval with the Lua balancer, the shortest time between two reads of the cluster: a
 *     burst of changes is pushed together, and etcd serves each agent at most so many reads
 *     whatever the write rate (a change after a quiet spell goes at once)
 */
@Validated
@ConfigurationProperties("platform.nginx-agent")
public record NginxAgentProperties(
    @NotBlank @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String cluster,
    @NotBlank @Pattern(regexp = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?") String hostId,
    @NotNull @DefaultValue("/usr/sbin/nginx") Path nginxBinary,
    @NotNull Path prefix,
    @NotNull @DefaultValue("1s") Duration reloadInterval,
    @NotNull @DefaultValue("0.0.0.0") @Pattern(regexp = "[0-9.]{7,15}|\\[[0-9a-fA-F:]{2,39}\\]")
        String listenAddress,
    @NotNull @DefaultValue("/etc/nginx-agent/certs") Path certDir,
    @NotNull @DefaultValue("auto") @Pattern(regexp = "auto|[1-9][0-9]{0,2}") String workerProcesses,
    @NotNull @DefaultValue("10s") Duration reportTtl,
    @DefaultValue("false") boolean stopNginxOnExit,
    @NotNull @DefaultValue("auto") @Pattern(regexp = "auto|off") String dynamic,
    @NotEmpty
        @DefaultValue(
            "/usr/lib/nginx/modules/ndk_http_module.so,"
                + "/usr/lib/nginx/modules/ngx_http_lua_module.so")
        List<Path> luaModules,
    @NotNull @DefaultValue("100ms") Duration pushInterval) {

  public NginxAgentProperties {
    if (reportTtl != null && reportTtl.toSeconds() < 2) {
      throw new IllegalArgumentException("platform.nginx-agent.report-ttl must be at least 2s");
    }
  }
}
