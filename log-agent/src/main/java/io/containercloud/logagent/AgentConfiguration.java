package io.containercloud.logagent;

import io.containercloud.logagent.checkpoint.Checkpoints;
import io.containercloud.logagent.shipping.Shipper;
import io.containercloud.logagent.shipping.ShippingProperties;
import io.containercloud.logagent.source.PodLogFolders;
import io.containercloud.logagent.source.PodMetadata;
import io.containercloud.logagent.source.SourceProperties;
import io.containercloud.logagent.tail.TailProperties;
import io.containercloud.logagent.tail.Tailer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import org.elasticsearch.client.RestClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's parts, started in order: checkpoints read, the shipper's senders up, then the reader;
 * stopped the other way round, so the reader stops handing over before the senders finish what they
 * hold.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
  SourceProperties.class,
  TailProperties.class,
  ShippingProperties.class
})
class AgentConfiguration {

  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient(SourceProperties properties) {
    if (properties.kubeconfig() == null) {
      return new KubernetesClientBuilder().build(); // the pod's service account
    }
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(properties.kubeconfig())))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read platform.log-agent.kubeconfig " + properties.kubeconfig(), e);
    }
  }

  @Bean(destroyMethod = "close")
  PodMetadata podMetadata(KubernetesClient client, SourceProperties properties) {
    return new PodMetadata(client, properties, Clock.systemUTC());
  }

  @Bean
  Checkpoints checkpoints(SourceProperties properties, JsonMapper mapper) {
    return new Checkpoints(properties.stateDir(), mapper);
  }

  @Bean(destroyMethod = "close")
  Shipper shipper(
      RestClient restClient,
      Checkpoints checkpoints,
      ShippingProperties properties,
      MeterRegistry meters) {
    return new Shipper(restClient, checkpoints, properties, meters);
  }

  @Bean(destroyMethod = "close")
  PodLogFolders podLogFolders(SourceProperties properties) {
    return new PodLogFolders(properties.podLogs());
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  Tailer tailer(
      SourceProperties source,
      TailProperties tail,
      ShippingProperties shipping,
      PodLogFolders folders,
      PodMetadata metadata,
      Checkpoints checkpoints,
      Shipper shipper,
      JsonMapper mapper,
      MeterRegistry meters) {
    return new Tailer(
        source,
        tail,
        shipping,
        folders,
        metadata,
        checkpoints,
        shipper,
        mapper,
        meters,
        Clock.systemUTC());
  }
}
