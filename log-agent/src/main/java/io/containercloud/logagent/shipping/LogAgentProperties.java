package io.containercloud.logagent.shipping;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The host whose container logs this agent ships ({@code platform.log-agent.*}).
 *
 * @param hostId this host's name, stamped on every log line
 * @param containerLogs the folder holding the container runtime's log files
 * @param stateDir where shipping offsets are persisted across restarts
 */
@Validated
@ConfigurationProperties("platform.log-agent")
public record LogAgentProperties(
    @NotBlank String hostId, @NotNull Path containerLogs, @NotNull Path stateDir) {}
