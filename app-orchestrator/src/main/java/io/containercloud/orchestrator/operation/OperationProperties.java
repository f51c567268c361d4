package io.containercloud.orchestrator.operation;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How operations run ({@code platform.apps.operations.*}).
 *
 * @param interval how often every running operation is looked at even when no event arrived (the
 *     fallback that times steps out and reads what events did not bring)
 * @param readAfter a waiting step reads its workload through cluster-service's API when no status
 *     event came for this long (Kafka away, or nothing changed since the step's change)
 * @param parallelism how many operations advance side by side
 * @param stopTimeout how long a stop or delete step waits for its workload to be gone
 * @param leaderTtl the leader's etcd lease: a dead leader is replaced after about this long
 * @param election the etcd election name of the instances
 */
@Validated
@ConfigurationProperties("platform.apps.operations")
public record OperationProperties(
    @NotNull @DefaultValue("5s") Duration interval,
    @NotNull @DefaultValue("10s") Duration readAfter,
    @Min(1) @Max(64) @DefaultValue("16") int parallelism,
    @NotNull @DefaultValue("5m") Duration stopTimeout,
    @NotNull @DefaultValue("5s") Duration leaderTtl,
    @NotBlank @DefaultValue("/app-orchestrator/v1/leader") String election) {}
