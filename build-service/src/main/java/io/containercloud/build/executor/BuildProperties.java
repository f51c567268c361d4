package io.containercloud.build.executor;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build}: where builds run and what they keep.
 *
 * @param registry the registry images are pushed to ({@code host:port})
 * @param insecureRegistry whether it speaks plain HTTP (the local one)
 * @param runner this instance's name: a build it was running when it stopped is marked interrupted
 *     when it starts again
 * @param maxParallel builds this instance runs at once, over all configurations (a thread each: the
 *     local executor runs them here, the kubernetes executor waits for their Jobs)
 * @param logCap the most of a build's log that is kept; the rest is dropped, and the log says so
 * @param pollInterval how often queued builds are looked for when nothing woke the queue
 * @param workspaces where the local executor makes each build's folder
 * @param apmAgent the OpenTelemetry Java agent a build with {@code apm} puts into its image (Maven
 *     coordinates, fetched from the Maven repository the compile uses)
 */
@Validated
@ConfigurationProperties("platform.build")
public record BuildProperties(
    @NotBlank @DefaultValue("127.0.0.1:15000") String registry,
    @DefaultValue("true") boolean insecureRegistry,
    @NotBlank String runner,
    @Min(1) @Max(512) @DefaultValue("2") int maxParallel,
    @NotNull @DefaultValue("5MB") DataSize logCap,
    @NotNull @DefaultValue("5s") Duration pollInterval,
    @NotNull Path workspaces,
    @NotBlank
        @jakarta.validation.constraints.Pattern(
            regexp = "[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+",
            message = "must be Maven coordinates group:artifact:version")
        @DefaultValue("io.opentelemetry.javaagent:opentelemetry-javaagent:2.33.1")
        String apmAgent) {}
