package io.containercloud.common.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** A jetcd client for services that keep state in etcd, with an {@code etcd} health indicator. */
@AutoConfiguration
@ConditionalOnClass(Client.class)
@EnableConfigurationProperties(EtcdProperties.class)
class EtcdAutoConfiguration {

  private static final ByteSequence PROBE_KEY =
      ByteSequence.from("/health", StandardCharsets.UTF_8);

  @Bean(destroyMethod = "close")
  Client etcdClient(EtcdProperties properties) {
    return Client.builder().endpoints(properties.endpoints().toArray(java.net.URI[]::new)).build();
  }

  @Bean
  HealthIndicator etcdHealthIndicator(Client client, EtcdProperties properties) {
    return () -> {
      try {
        long revision =
            client
                .getKVClient()
                .get(PROBE_KEY)
                .get(properties.healthTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .getHeader()
                .getRevision();
        return Health.up().withDetail("revision", revision).build();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
      }
    };
  }
}
