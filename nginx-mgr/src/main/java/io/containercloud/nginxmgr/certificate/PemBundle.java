package io.containercloud.nginxmgr.certificate;

import io.containercloud.common.error.FieldViolation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Checks an uploaded certificate chain and private key before nginx ever sees them (pure: no I/O
 * but parsing). The chain must hold the server's certificate first and then its intermediates, each
 * signed by the next and none expired or not yet valid; the key must be unencrypted and match the
 * first certificate (proved by a signature, whatever the algorithm). The key is kept as PKCS#8 PEM,
 * the one form every nginx reads.
 */
final class PemBundle {

  private static final int MAX_CHAIN = 10;

  private PemBundle() {}

  /** The outcome of {@link #check}. */
  sealed interface Checked {}

  /** A usable pair. */
  record Valid(List<X509Certificate> chain, String pkcs8Key, String fingerprint)
      implements Checked {

    X509Certificate leaf() {
      return chain.get(0);
    }
  }

  /** What is wrong, by field ({@code certificate}, {@code key}). */
  record Invalid(List<FieldViolation> violations) implements Checked {}

  static Checked check(String chainPem, String keyPem, Instant now) {
    List<FieldViolation> violations = new ArrayList<>();
    List<X509Certificate> chain = chain(chainPem, now, violations);
    PrivateKey key = key(keyPem, violations);
    if (!violations.isEmpty()) {
      return new Invalid(violations);
    }
    if (!matches(key, chain.get(0))) {
      return new Invalid(
          List.of(new FieldViolation("key", "does not belong to the first certificate")));
    }
    return new Valid(chain, pkcs8(key), fingerprint(chain.get(0)));
  }

  /** A certificate's subject alternative DNS names. */
  static List<String> dnsNames(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return List.of();
      }
      return names.stream()
          .filter(n -> Integer.valueOf(2).equals(n.get(0)))
          .map(n -> (String) n.get(1))
          .toList();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  private static List<X509Certificate> chain(
      String pem, Instant now, List<FieldViolation> violations) {
    List<X509Certificate> chain = new ArrayList<>();
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      violations.add(new FieldViolation("certificate", "must be PEM certificates"));
      return chain;
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      factory
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .forEach(c -> chain.add((X509Certificate) c));
    } catch (CertificateException e) {
      violations.add(new FieldViolation("certificate", "does not parse: " + e.getMessage()));
      return chain;
    }
    if (chain.isEmpty() || chain.size() > MAX_CHAIN) {
      violations.add(
          new FieldViolation("certificate", "must hold 1 to " + MAX_CHAIN + " certificates"));
      return chain;
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      String field = "certificate[" + i + "]";
      if (now.isAfter(certificate.getNotAfter().toInstant())) {
        violations.add(
            new FieldViolation(field, "expired on " + certificate.getNotAfter().toInstant()));
      } else if (now.isBefore(certificate.getNotBefore().toInstant())) {
        violations.add(
            new FieldViolation(
                field, "is not valid before " + certificate.getNotBefore().toInstant()));
      }
      if (i + 1 < chain.size() && !signedBy(certificate, chain.get(i + 1))) {
        violations.add(
            new FieldViolation(
                field,
                "is not signed by the next certificate ("
                    + chain.get(i + 1).getSubjectX500Principal().getName()
                    + "); send the server's certificate first, then its intermediates in order"));
      }
    }
    return chain;
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    try {
      certificate.verify(issuer.getPublicKey());
      return certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static PrivateKey key(String pem, List<FieldViolation> violations) {
    if (pem == null || pem.isBlank()) {
      violations.add(new FieldViolation("key", "must be a PEM private key"));
      return null;
    }
    if (pem.contains("ENCRYPTED")) {
      violations.add(new FieldViolation("key", "must not be encrypted (nginx cannot ask for it)"));
      return null;
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      violations.add(
          new FieldViolation("key", "must be a PEM private key (PKCS#8, PKCS#1 or SEC1)"));
    } catch (IOException | RuntimeException e) {
      violations.add(new FieldViolation("key", "does not parse as a PEM private key"));
    }
    return null;
  }

  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String pkcs8(PrivateKey key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The chain as PEM text, re-encoded (anything between the blocks is dropped). */
  static String pem(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : chain) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n")
            .append(
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toString();
  }
}
