package io.containercloud.common.elasticsearch;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Elasticsearch cluster a service talks to ({@code platform.elasticsearch.*}).
 *
 * @param uris HTTP addresses of the nodes
 * @param connectTimeout TCP connect timeout
 * @param socketTimeout how long one request may wait for its answer
 */
@Validated
@ConfigurationProperties("platform.elasticsearch")
public record ElasticsearchProperties(
    @NotEmpty List<@NotNull URI> uris,
    @NotNull @DefaultValue("2s") Duration connectTimeout,
    @NotNull @DefaultValue("30s") Duration socketTimeout) {}
