package io.containercloud.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's RSA signing key, with a {@code kid} derived from the public key (RFC 7638), so the
 * same key file always publishes the same {@code kid}.
 */
final class SigningKey {

  private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

  private SigningKey() {}

  static RSAKey load(Path pem) {
    if (pem == null) {
      log.warn(
          "platform.gateway.signing-key is not set: a key was generated; tokens end with this process");
      return generate();
    }
    try {
      RSAPrivateCrtKey privateKey = parse(Files.readString(pem));
      RSAPublicKey publicKey =
          (RSAPublicKey)
              KeyFactory.getInstance("RSA")
                  .generatePublic(
                      new RSAPublicKeySpec(
                          privateKey.getModulus(), privateKey.getPublicExponent()));
      return new RSAKey.Builder(publicKey)
          .privateKey(privateKey)
          .keyUse(KeyUse.SIGNATURE)
          .keyIDFromThumbprint()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read platform.gateway.signing-key " + pem, e);
    } catch (GeneralSecurityException
        | JOSEException
        | IllegalArgumentException
        | ClassCastException e) {
      throw new IllegalStateException(
          "platform.gateway.signing-key "
              + pem
              + " is not a PEM RSA private key (PKCS#8 or PKCS#1)",
          e);
    }
  }

  // The JDK reads PKCS#8 itself; BouncyCastle, which Nimbus would need for PEM, is not shipped.
  // PKCS#1 ("BEGIN RSA PRIVATE KEY": openssl's traditional form, Helm's genPrivateKey) is wrapped
  // into PKCS#8 first.
  private static RSAPrivateCrtKey parse(String pem) throws GeneralSecurityException {
    byte[] der;
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      der = body(pem, "PRIVATE KEY");
    } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      der = pkcs8Of(body(pem, "RSA PRIVATE KEY"));
    } else {
      throw new IllegalArgumentException("no BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY");
    }
    return (RSAPrivateCrtKey)
        KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  private static byte[] body(String pem, String label) {
    String base64 =
        pem.replace("-----BEGIN " + label + "-----", "")
            .replace("-----END " + label + "-----", "")
            .replaceAll("\\s", "");
    return Base64.getDecoder().decode(base64);
  }

  /** PrivateKeyInfo: version 0, the rsaEncryption algorithm (OID 1.2.840.113549.1.1.1), the key. */
  private static byte[] pkcs8Of(byte[] pkcs1) {
    byte[] versionAndAlgorithm = {
      0x02,
      0x01,
      0x00,
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.writeBytes(versionAndAlgorithm);
    content.writeBytes(der(0x04, pkcs1));
    return der(0x30, content.toByteArray());
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static RSAKey generate() {
    try {
      return new RSAKeyGenerator(2048)
          .keyUse(KeyUse.SIGNATURE)
          .keyIDFromThumbprint(true)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
