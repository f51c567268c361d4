package io.containercloud.cluster.leader;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Leader election ({@code platform.cluster.leader.*}).
 *
 * @param ttl the leader's etcd lease (whole seconds, at least 2): a dead leader is replaced after
 *     about this long
 * @param election the etcd election name the instances campaign on
 */
@Validated
@ConfigurationProperties("platform.cluster.leader")
public record LeaderProperties(
    @NotNull @DefaultValue("5s") Duration ttl,
    @NotBlank @DefaultValue("/cluster-service/v1/leader") String election) {}
