package io.containercloud.common.error;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.TransientDataAccessException;

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
}
