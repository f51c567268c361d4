package io.containercloud.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest (kubeconfigs, TLS keys, registry credentials): a fresh 96-bit
 * nonce per value, the owning object's identity as associated data (a ciphertext copied to another
 * object does not decrypt), and a version byte in front so the scheme can change later.
 */
public final class SecretCipher {

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  private SecretCipher(byte[] raw) {
    this.key = new SecretKeySpec(raw, "AES");
  }

  /**
   * @param property the setting the key came from, named in the error when it is not a key
   * @param base64 32 bytes, base64 ({@code openssl rand -base64 32})
   */
  public static SecretCipher fromBase64(String property, String base64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64 == null ? "" : base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(property + " is not base64", e);
    }
    if (raw.length != 32) {
      throw new IllegalStateException(property + " must be 32 bytes (openssl rand -base64 32)");
    }
    return new SecretCipher(raw);
  }

  /** Seals {@code plaintext} for the object named {@code owner}. */
  public byte[] encrypt(String owner, String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
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

  /**
   * Opens what {@link #encrypt} sealed for {@code owner}.
   *
   * @throws IllegalStateException when the value was sealed with another key, for another owner, or
   *     altered
   */
  public String decrypt(String owner, byte[] stored) {
    if (stored.length < 1 + NONCE_BYTES || stored[0] != VERSION) {
      throw new IllegalStateException("the secret of " + owner + " is in an unknown format");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
      cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the secret of " + owner + " does not decrypt (wrong key or altered)", e);
    }
  }
}
