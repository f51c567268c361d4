package io.containercloud.build.registry.token;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signs the bearer tokens of the Docker registry token protocol (a JWT, RS256, the certificate in
 * its {@code x5c} header so the registry checks it against its root bundle), with the access each
 * grants: repository name and actions.
 */
@Component
class RegistryTokens {

  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final RegistryTokenProperties properties;
  private final JsonMapper json;
  private final PrivateKey key;
  private final String certificate;

  RegistryTokens(RegistryTokenProperties properties, JsonMapper json) {
    this.properties = properties;
    this.json = json;
    if (properties.enabled()) {
      this.key =
          privateKey(read(properties.key().toString(), "platform.build.registry-tokens.key"));
      this.certificate =
          Base64.getEncoder()
              .encodeToString(
                  encoded(
                      read(
                          properties.certificate() == null
                              ? null
                              : properties.certificate().toString(),
                          "platform.build.registry-tokens.certificate")));
    } else {
      this.key = null;
      this.certificate = null;
    }
  }

  /** One grant: {@code type} {@code repository} or {@code registry}, a name, its actions. */
  record Access(String type, String name, List<String> actions) {}

  boolean enabled() {
    return key != null;
  }

  /** A token for {@code subject} granting {@code access}; what the token endpoint answers. */
  ObjectNode issue(String subject, List<Access> access) {
    Instant now = Instant.now();
    ObjectNode header = json.createObjectNode().put("typ", "JWT").put("alg", "RS256");
    header.putArray("x5c").add(certificate);
    ObjectNode claims =
        json.createObjectNode()
            .put("iss", properties.issuer())
            .put("sub", subject)
            .put("aud", properties.service())
            .put("exp", now.plus(properties.ttl()).getEpochSecond())
            .put("nbf", now.minusSeconds(5).getEpochSecond())
            .put("iat", now.getEpochSecond())
            .put("jti", UUID.randomUUID().toString());
    ArrayNode granted = claims.putArray("access");
    for (Access a : access) {
      ObjectNode grant = granted.addObject().put("type", a.type()).put("name", a.name());
      a.actions().forEach(grant.putArray("actions")::add);
    }
    String signingInput =
        URL.encodeToString(json.writeValueAsBytes(header))
            + "."
            + URL.encodeToString(json.writeValueAsBytes(claims));
    String token = signingInput + "." + URL.encodeToString(sign(signingInput));
    return json.createObjectNode()
        .put("token", token)
        .put("access_token", token)
        .put("expires_in", properties.ttl().toSeconds())
        .put("issued_at", now.toString());
  }

  private byte[] sign(String input) {
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a registry token", e);
    }
  }

  private static String read(String path, String setting) {
    if (path == null) {
      throw new IllegalStateException(setting + " is not set");
    }
    try {
      return Files.readString(java.nio.file.Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(setting + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(String pem) {
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "platform.build.registry-tokens.key is no PEM PKCS#8 RSA private key", e);
    }
  }

  private static byte[] encoded(String pem) {
    try {
      X509Certificate certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der(pem, "CERTIFICATE")));
      return certificate.getEncoded();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "platform.build.registry-tokens.certificate is no PEM certificate", e);
    }
  }

  private static byte[] der(String pem, String label) {
    int begin = pem.indexOf("-----BEGIN " + label + "-----");
    int end = pem.indexOf("-----END " + label + "-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("no " + label + " block");
    }
    return Base64.getMimeDecoder().decode(pem.substring(begin + label.length() + 16, end).trim());
  }
}
