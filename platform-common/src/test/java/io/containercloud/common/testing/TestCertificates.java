package io.containercloud.common.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate chains made on the spot for tests: a CA, and leaves it signs. */
public final class TestCertificates {

  /** A PEM chain (leaf first, then the CA) and the leaf's PEM private key. */
  public record Issued(String chain, String key, String leaf, String ca) {}

  private final KeyPair caKeys = keys();
  private final X509Certificate ca;

  public TestCertificates() {
    Instant now = Instant.now();
    ca =
        sign(
            "CN=Test CA",
            caKeys,
            "CN=Test CA",
            caKeys.getPrivate(),
            now,
            now.plus(Duration.ofDays(3650)),
            true,
            List.of());
  }

  /**
   * A leaf for {@code dnsNames} (an IPv4 address among them becomes an IP address name) valid for
   * {@code validity} from an hour ago.
   */
  public Issued issue(List<String> dnsNames, Duration validity) {
    Instant from = Instant.now().minus(Duration.ofHours(1));
    return issue(dnsNames, from, from.plus(validity));
  }

  /** A leaf valid between the two instants (an expired one when both lie in the past). */
  public Issued issue(List<String> dnsNames, Instant notBefore, Instant notAfter) {
    KeyPair leafKeys = keys();
    X509Certificate leaf =
        sign(
            "CN=" + dnsNames.get(0),
            leafKeys,
            "CN=Test CA",
            caKeys.getPrivate(),
            notBefore,
            notAfter,
            false,
            dnsNames);
    String leafPem = pem(leaf);
    String caPem = pem(ca);
    return new Issued(leafPem + caPem, pem(leafKeys.getPrivate()), leafPem, caPem);
  }

  /** Another private key in PEM, matching no certificate. */
  public static String strayKey() {
    return pem(keys().getPrivate());
  }

  private static X509Certificate sign(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      PrivateKey issuerKey,
      Instant notBefore,
      Instant notAfter,
      boolean isCa,
      List<String> dnsNames) {
    try {
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              new X500Name(issuer),
              new BigInteger(64, new SecureRandom()),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name(subject),
              subjectKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (!dnsNames.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(
                dnsNames.stream()
                    .map(
                        n ->
                            new GeneralName(
                                n.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName,
                                n))
                    .toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
