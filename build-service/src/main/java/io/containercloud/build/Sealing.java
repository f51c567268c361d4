package io.containercloud.build;

import io.containercloud.common.crypto.SecretCipher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One cipher for every secret build-service keeps, each sealed for its owner. */
@Configuration(proxyBeanMethods = false)
class Sealing {

  @Bean
  SecretCipher secretCipher(SecretsProperties properties) {
    return SecretCipher.fromBase64("platform.build.secrets-key", properties.secretsKey().reveal());
  }
}
