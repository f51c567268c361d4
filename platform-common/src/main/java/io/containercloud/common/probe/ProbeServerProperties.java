package io.containercloud.common.probe;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where a host daemon serves its probes and metrics ({@code platform.probes.*}); setting the port
 * turns the {@link ProbeServer} on.
 *
 * @param port TCP port, 0 for any free one
 * @param address the address to bind
 */
@Validated
@ConfigurationProperties("platform.probes")
public record ProbeServerProperties(
    @Min(0) @Max(65535) int port, @NotBlank @DefaultValue("0.0.0.0") String address) {}
