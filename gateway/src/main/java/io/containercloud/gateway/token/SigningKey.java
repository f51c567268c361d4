package io.containercloud.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
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
      RSAPrivateCrtKey privateKey = parsePkcs8(Files.readString(pem));
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
          "platform.gateway.signing-key " + pem + " is not a PKCS#8 PEM RSA private key", e);
    }
  }

  // The JDK reads PKCS#8 itself; BouncyCastle, which Nimbus would need for PEM, is not shipped.
  private static RSAPrivateCrtKey parsePkcs8(String pem) throws GeneralSecurityException {
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException("not a PKCS#8 PEM (BEGIN PRIVATE KEY)");
    }
    String base64 =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    return (RSAPrivateCrtKey)
        KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
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
