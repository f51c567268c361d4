package io.containercloud.cluster.registry;

import io.containercloud.common.crypto.SecretCipher;
import org.springframework.stereotype.Component;

/** Kubeconfigs at rest, sealed for their cluster's name with {@code credentials-key}. */
@Component
class CredentialCipher {

  private final SecretCipher cipher;

  CredentialCipher(RegistryProperties properties) {
    this.cipher =
        SecretCipher.fromBase64(
            "platform.cluster.credentials-key", properties.credentialsKey().reveal());
  }

  byte[] encrypt(String cluster, String plaintext) {
    return cipher.encrypt(cluster, plaintext);
  }

  String decrypt(String cluster, byte[] stored) {
    return cipher.decrypt(cluster, stored);
  }
}
