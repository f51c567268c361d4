package io.containercloud.nginxagent.nginx;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
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
 */
@Validated
@ConfigurationProperties("platform.nginx-agent")
public record NginxAgentProperties(
    @NotBlank @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String cluster,
    @NotBlank @Pattern(regexp = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?") String hostId,
    @NotNull @DefaultValue("/usr/sbin/nginx") Path nginxBinary,
    @NotNull Path prefix,
    @NotNull @DefaultValue("1s") Duration reloadInterval) {}
