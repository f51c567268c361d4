package io.containercloud.common.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
class CorrelationIdAutoConfiguration {

  /** First of all filters, so security's log lines carry the id too. */
  @Bean
  FilterRegistrationBean<CorrelationIdLogging> correlationIdLogging() {
    FilterRegistrationBean<CorrelationIdLogging> registration =
        new FilterRegistrationBean<>(new CorrelationIdLogging());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
