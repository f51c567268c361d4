package io.containercloud.common.leader;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/** {@code GET /leadership} in every service that elects a leader. */
@AutoConfiguration
@ConditionalOnBean(Leadership.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class LeadershipAutoConfiguration {

  @Bean
  LeadershipResource leadershipResource(Leadership leadership) {
    return new LeadershipResource(leadership);
  }
}
