package io.containercloud.cluster.leader;

import io.containercloud.common.leader.Leadership;
import io.etcd.jetcd.Client;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One cluster-service instance leads: it reconciles, fails over, scales and watches certificates.
 */
@Configuration(proxyBeanMethods = false)
class LeaderConfiguration {

  @Bean
  Leadership leadership(Client etcd, LeaderProperties properties) {
    return new Leadership(etcd, properties.ttl(), properties.election(), "cluster-service");
  }
}
