package io.containercloud.kubesim.cluster;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The container logs the simulated kubelets write ({@code kube-sim.logs.*}).
 *
 * @param dir the folder holding a folder per node ({@code <dir>/<node>/pods/...}, what a node's
 *     {@code /var/log} holds); none: no container logs are written
 * @param maxSize a container's log file is rotated once it is this long (the kubelet's {@code
 *     containerLogMaxSize})
 * @param maxFiles files kept per container, the one written included ({@code containerLogMaxFiles})
 * @param keepAfterDelete how long a deleted pod's log folder stays
 * @param interval how often the Running containers write what they owe
 */
@Validated
@ConfigurationProperties("kube-sim.logs")
public record ContainerLogProperties(
    Path dir,
    @NotNull @DefaultValue("10MB") DataSize maxSize,
    @Min(2) @Max(100) @DefaultValue("5") int maxFiles,
    @NotNull @DefaultValue("10s") Duration keepAfterDelete,
    @NotNull @DefaultValue("100ms") Duration interval) {

  /** No container logs. */
  public static ContainerLogProperties off() {
    return new ContainerLogProperties(
        null, DataSize.ofMegabytes(10), 5, Duration.ofSeconds(10), Duration.ofMillis(100));
  }
}
