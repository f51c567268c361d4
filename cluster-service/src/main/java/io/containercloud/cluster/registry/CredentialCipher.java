package io.containercloud.cluster.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * AES-256-GCM for kubeconfigs at rest: a fresh 96-bit nonce per value, the cluster's name as
 * associated data (a ciphertext moved to another row does not decrypt), a version byte in front so
 * the scheme can change later.
 */
@Component
class CredentialCipher {

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  CredentialCipher(RegistryProperties properties) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(properties.credentialsKey().trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("platform.cluster.credentials-key is not base64", e);
    }
    if (raw.length != 32) {
      throw new IllegalStateException(
          "platform.cluster.credentials-key must be 32 bytes (openssl rand -base64 32)");
    }
    this.key = new SecretKeySpec(raw, "AES");
  }

  byte[] encrypt(String cluster, String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(cluster.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt", e);
    }
  }

  String decrypt(String cluster, byte[] stored) {
    if (stored.length < 1 + NONCE_BYTES || stored[0] != VERSION) {
      throw new IllegalStateException("credentials of " + cluster + " are in an unknown format");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
      cipher.updateAAD(cluster.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "credentials of " + cluster + " do not decrypt (wrong key or altered)", e);
    }
  }
}
