package io.containercloud.common.probe;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/** Starts the {@link ProbeServer} in a daemon without a web server that sets its port. */
@AutoConfiguration(after = HealthEndpointAutoConfiguration.class)
@ConditionalOnNotWebApplication
@ConditionalOnProperty("platform.probes.port")
@EnableConfigurationProperties(ProbeServerProperties.class)
class ProbeServerAutoConfiguration {

  @Bean
  ProbeServer probeServer(
      ProbeServerProperties properties,
      HealthEndpoint health,
      PrometheusMeterRegistry metrics,
      JsonMapper json) {
    return new ProbeServer(properties, health, metrics, json);
  }
}
