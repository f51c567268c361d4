package io.containercloud.build.registry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Registries and their clients carry no platform token: the registries' notifications (their {@code
 * Authorization} header holds the shared secret, which {@link RegistryEventsResource} checks) and
 * the registry token endpoint (Basic credentials of a registry account, which it checks) bypass the
 * token check of every other path, and nothing else is reachable that way.
 */
@Configuration(proxyBeanMethods = false)
class RegistryEventsSecurity {

  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  SecurityFilterChain registryEvents(HttpSecurity http) throws Exception {
    return http.securityMatcher(RegistryEventsResource.PATH, "/registry/token")
        .csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .build();
  }
}
