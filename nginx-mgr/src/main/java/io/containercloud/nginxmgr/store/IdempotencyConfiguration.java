package io.containercloud.nginxmgr.store;

import io.containercloud.common.idempotency.IdempotencyFilter;
import io.containercloud.common.idempotency.IdempotencyKeyExpiry;
import io.etcd.jetcd.Client;
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

  @Bean
  FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
      EtcdIdempotency keys, JsonMapper json) {
    return IdempotencyFilter.registration(keys, json);
  }

  @Bean
  IdempotencyKeyExpiry idempotencyKeyExpiry(EtcdIdempotency keys) {
    return new IdempotencyKeyExpiry(keys);
  }
}
