package io.containercloud.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's RSA signing key, with a {@code kid} derived from the public key (RFC 7638). */
final class SigningKey {

  private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

  private SigningKey() {}

  static RSAKey load(Path pem) {
    if (pem == null) {
      log.warn("platform.gateway.signing-key is not set: a key was generated; tokens end with this process");
      return generate();
    }
    try {
      JWK jwk = JWK.parseFromPEMEncodedObjects(Files.readString(pem));
      RSAKey rsa = jwk.toRSAKey();
      return new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint().build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read platform.gateway.signing-key " + pem, e);
    } catch (JOSEException | RuntimeException e) {
      throw new IllegalStateException("platform.gateway.signing-key " + pem + " is not an RSA private key", e);
    }
  }

  private static RSAKey generate() {
    try {
      return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
