package io.containercloud.common.etcd;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The etcd cluster a service talks to ({@code platform.etcd.*}).
 *
 * @param endpoints client URLs of the etcd members, for example {@code http://127.0.0.1:12379}
 * @param healthTimeout how long the health probe waits for an answer
 */
@Validated
@ConfigurationProperties("platform.etcd")
public record EtcdProperties(
    @NotEmpty List<@NotNull URI> endpoints, @NotNull @DefaultValue("2s") Duration healthTimeout) {}
