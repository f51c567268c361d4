package io.containercloud.common.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.InputStream;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import tools.jackson.databind.json.JsonMapper;

/**
 * An Elasticsearch client for services that ship or search logs, with an {@code elasticsearch}
 * health indicator (down when the cluster is red or unreachable).
 *
 * <p>The 8.19 client is used on purpose: it speaks to both 8.x and 9.x servers, so one build serves
 * companies on either major version.
 */
@AutoConfiguration
@ConditionalOnClass(ElasticsearchClient.class)
@EnableConfigurationProperties(ElasticsearchProperties.class)
class ElasticsearchAutoConfiguration {

  @Bean(destroyMethod = "close")
  RestClient elasticsearchRestClient(ElasticsearchProperties properties) {
    HttpHost[] hosts =
        properties.uris().stream().map(u -> HttpHost.create(u.toString())).toArray(HttpHost[]::new);
    return RestClient.builder(hosts)
        .setRequestConfigCallback(
            c ->
                c.setConnectTimeout((int) properties.connectTimeout().toMillis())
                    .setSocketTimeout((int) properties.socketTimeout().toMillis()))
        .build();
  }

  // lazy: a shipper that only posts raw bulk bodies never loads the typed client's thousand classes
  @Bean
  @Lazy
  ElasticsearchClient elasticsearchClient(RestClient restClient) {
    return new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
  }

  @Bean
  HealthIndicator elasticsearchHealthIndicator(RestClient client, JsonMapper json) {
    Request request = new Request("GET", "/_cluster/health");
    request.addParameter("filter_path", "status");
    return () -> {
      try (InputStream body = client.performRequest(request).getEntity().getContent()) {
        String status = json.readTree(body).path("status").asString();
        Health.Builder health =
            "green".equals(status) || "yellow".equals(status) ? Health.up() : Health.down();
        return health.withDetail("status", status).build();
      } catch (Exception e) {
        return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
      }
    };
  }
}
