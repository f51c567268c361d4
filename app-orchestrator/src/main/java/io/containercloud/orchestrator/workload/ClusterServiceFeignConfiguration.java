package io.containercloud.orchestrator.workload;

import feign.Request;
import feign.Retryer;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;

/**
 * The Feign settings of {@link ClusterServiceClient} only (not a scanned configuration): timeouts
 * from {@link ClusterServiceProperties}, and no Feign retries, which would repeat changes; reads
 * are retried by {@link ClusterWorkloads}.
 */
class ClusterServiceFeignConfiguration {

  @Bean
  Request.Options clusterServiceOptions(ClusterServiceProperties properties) {
    return new Request.Options(
        properties.connectTimeout().toMillis(),
        TimeUnit.MILLISECONDS,
        properties.readTimeout().toMillis(),
        TimeUnit.MILLISECONDS,
        false);
  }

  @Bean
  Retryer clusterServiceRetryer() {
    return Retryer.NEVER_RETRY;
  }
}
