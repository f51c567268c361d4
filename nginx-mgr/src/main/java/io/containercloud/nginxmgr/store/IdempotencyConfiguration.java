package io.containercloud.nginxmgr.store;

import io.containercloud.common.idempotency.IdempotencyFilter;
import io.containercloud.common.loop.BackgroundLoop;
import io.etcd.jetcd.Client;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** {@code Idempotency-Key} on nginx-mgr's writes, kept in etcd beside the objects. */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

  @Bean
  EtcdIdempotency etcdIdempotency(Client etcd, JsonMapper json) {
    return new EtcdIdempotency(etcd, json);
  }

  /** After Spring Security (the key belongs to the caller's tenant), before the dispatcher. */
  @Bean
  FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
      EtcdIdempotency keys, JsonMapper json) {
    FilterRegistrationBean<IdempotencyFilter> registration =
        new FilterRegistrationBean<>(new IdempotencyFilter(keys, json));
    registration.setOrder(0);
    return registration;
  }

  /** Forgets keys older than a day, every ten minutes. */
  @Bean
  BackgroundLoop idempotencyKeyExpiry(EtcdIdempotency keys) {
    return new BackgroundLoop(
        "idempotency-key-expiry",
        Duration.ofMinutes(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10)) {
      @Override
      protected boolean round() {
        try {
          keys.expire();
        } catch (Exception e) {
          throw new IllegalStateException("idempotency keys not expired", e);
        }
        return false;
      }
    };
  }
}
