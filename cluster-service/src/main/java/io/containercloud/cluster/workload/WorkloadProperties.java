package io.containercloud.cluster.workload;

import io.containercloud.cluster.workload.model.Names;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Workloads ({@code platform.cluster.workloads.*}).
 *
 * @param ephemeralStorageLimit the ephemeral-storage limit of a replica that names none
 * @param jvmHeapPercent the share of the memory limit {@code JAVA_TOOL_OPTIONS} gives the heap
 * @param reconcileInterval how often every workload is compared with its clusters
 * @param parallelism how many workloads are reconciled side by side
 * @param maxBackoff the longest wait before a cluster that failed to reconcile is tried again
 * @param autoscaleInterval how often CPU use is read for autoscaled workloads
 * @param scaleDownWindow autoscaling scales down only to the highest recommendation of this window
 */
@Validated
@ConfigurationProperties("platform.cluster.workloads")
public record WorkloadProperties(
    @NotNull @DefaultValue("10Gi") @Pattern(regexp = Names.MEMORY) String ephemeralStorageLimit,
    @DefaultValue("75") @Min(10) @Max(90) int jvmHeapPercent,
    @NotNull @DefaultValue("5s") Duration reconcileInterval,
    @DefaultValue("16") @Min(1) @Max(64) int parallelism,
    @NotNull @DefaultValue("1m") Duration maxBackoff,
    @NotNull @DefaultValue("15s") Duration autoscaleInterval,
    @NotNull @DefaultValue("5m") Duration scaleDownWindow) {}
