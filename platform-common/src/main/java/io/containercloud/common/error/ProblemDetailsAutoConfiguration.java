package io.containercloud.common.error;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
class ProblemDetailsAutoConfiguration {

  @Bean
  ProblemDetailsAdvice problemDetailsAdvice() {
    return new ProblemDetailsAdvice();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(TransientDataAccessException.class)
  static class DataAccess {

    @Bean
    DataAccessProblemsAdvice dataAccessProblemsAdvice() {
      return new DataAccessProblemsAdvice();
    }
  }

  /** Picked up by Spring Security for its firewall's refusals. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RequestRejectedHandler.class)
  static class Firewall {

    @Bean
    @ConditionalOnMissingBean
    RequestRejectedHandler requestRejectedProblems(JsonMapper mapper) {
      return new RequestRejectedProblems(mapper);
    }
  }
}
