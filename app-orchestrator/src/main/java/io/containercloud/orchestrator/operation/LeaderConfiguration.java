package io.containercloud.orchestrator.operation;

import io.containercloud.common.leader.Leadership;
import io.etcd.jetcd.Client;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One app-orchestrator instance leads and runs the operations; the others serve the API. */
@Configuration(proxyBeanMethods = false)
class LeaderConfiguration {

  @Bean
  Leadership leadership(Client etcd, OperationProperties properties) {
    return new Leadership(etcd, properties.leaderTtl(), properties.election(), "app-orchestrator");
  }
}
