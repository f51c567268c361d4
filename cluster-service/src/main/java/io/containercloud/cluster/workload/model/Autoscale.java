package io.containercloud.cluster.workload.model;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Replicas follow CPU use across all clusters: the total stays within {@code min..max} and aims at
 * {@code targetCpuPercent} of the requested CPU.
 */
public record Autoscale(
    @NotNull @Min(1) @Max(1000) Integer min,
    @NotNull @Min(1) @Max(1000) Integer max,
    @NotNull @Min(1) @Max(100) Integer targetCpuPercent) {}
