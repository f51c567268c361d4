package io.containercloud.build.registry.rooms;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How long a blob upload between registries may take ({@code platform.build.registry-transfers.*}):
 * {@code timeout} plus its size at {@code min-rate}; a slower one (a registry that stopped
 * answering halfway, on either side) is given up and the copy tried again later.
 */
@ConfigurationProperties("platform.build.registry-transfers")
record TransferProperties(
    @DefaultValue("60s") Duration timeout, @DefaultValue("1MB") DataSize minRate) {}
