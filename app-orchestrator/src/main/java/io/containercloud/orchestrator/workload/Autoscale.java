package io.containercloud.orchestrator.workload;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** A workload's autoscaling, as cluster-service takes it. */
public record Autoscale(
    @NotNull @Min(0) @Max(1000) Integer min,
    @NotNull @Min(1) @Max(1000) Integer max,
    @NotNull @Min(1) @Max(100) Integer targetCpuPercent) {}
