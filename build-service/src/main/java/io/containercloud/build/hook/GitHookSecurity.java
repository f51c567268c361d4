package io.containercloud.build.hook;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Git hosts carry no platform token: their push hooks bypass the token check (each is checked
 * against its configuration's secret by {@link GitHookResource}) and nothing else is reachable that
 * way.
 */
@Configuration(proxyBeanMethods = false)
class GitHookSecurity {

  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE + 1)
  SecurityFilterChain gitHooks(HttpSecurity http) throws Exception {
    return http.securityMatcher(GitHookResource.HOOKS + "/**")
        .csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .build();
  }
}
