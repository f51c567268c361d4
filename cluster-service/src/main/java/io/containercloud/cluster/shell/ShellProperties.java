package io.containercloud.cluster.shell;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The web shell ({@code platform.cluster.shell.*}).
 *
 * @param command the program exec starts in the container ({@code sh} or {@code bash})
 * @param idleTimeout a session without input for this long is closed
 * @param maxMessage the longest input message accepted, in characters
 */
@Validated
@ConfigurationProperties("platform.cluster.shell")
public record ShellProperties(
    @NotNull @DefaultValue("sh") @Pattern(regexp = "sh|bash") String command,
    @NotNull @DefaultValue("15m") Duration idleTimeout,
    @DefaultValue("4096") @Min(1) @Max(65536) int maxMessage) {}
