package io.containercloud.kubesim.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A simulated cluster's CA, as {@code kubeadm} keeps one per cluster: it signs the API server's
 * serving certificate, and kubeconfigs carry its certificate so that clients verify the server.
 * ECDSA P-256 keys (quick to make, accepted by fabric8, the JDK and kubectl). Pure: no files.
 */
public final class CertificateAuthority {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair keys;
  private final X509Certificate certificate;

  private CertificateAuthority(KeyPair keys, X509Certificate certificate) {
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new self-signed CA valid from {@code now} (to the second) for {@code validity}. */
  public static CertificateAuthority create(String commonName, Duration validity, Instant now) {
    KeyPair keys = newKeyPair();
    Instant from = now.truncatedTo(ChronoUnit.SECONDS);
    X500Name name = new X500Name("CN=" + commonName + ",O=kube-sim");
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  serial(),
                  Date.from(from),
                  Date.from(from.plus(validity)),
                  name,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(keys, sign(builder, keys.getPrivate()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot make a CA for " + commonName, e);
    }
  }

  /** The CA kept as PEM text ({@link #certificatePem()}, {@link #keyPem()}). */
  public static CertificateAuthority fromPem(String certificatePem, String keyPem) {
    try (PEMParser certificates = new PEMParser(new StringReader(certificatePem));
        PEMParser keys = new PEMParser(new StringReader(keyPem))) {
      if (!(certificates.readObject() instanceof X509CertificateHolder holder)) {
        throw new IllegalArgumentException("no certificate in the CA's PEM");
      }
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object kept = keys.readObject();
      PrivateKey key;
      if (kept instanceof PEMKeyPair pair) {
        key = converter.getKeyPair(pair).getPrivate();
      } else if (kept instanceof PrivateKeyInfo info) {
        key = converter.getPrivateKey(info);
      } else {
        throw new IllegalArgumentException("no private key in the CA's key PEM");
      }
      return new CertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not a CA certificate and key in PEM", e);
    }
  }

  /**
   * A serving certificate for {@code hosts} (IP addresses and DNS names, as subject alternative
   * names), valid from {@code now} for {@code validity} but never beyond this CA.
   */
  public ServingCertificate issueServing(
      String commonName, List<String> hosts, Duration validity, Instant now) {
    KeyPair serving = newKeyPair();
    Instant from = now.truncatedTo(ChronoUnit.SECONDS);
    Instant until = from.plus(validity);
    if (until.isAfter(certificate.getNotAfter().toInstant())) {
      until = certificate.getNotAfter().toInstant(); // a CA signs nothing that outlives it
    }
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(),
                  Date.from(from),
                  Date.from(until),
                  new X500Name("CN=" + commonName),
                  serving.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(certificate))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(serving.getPublic()));
      return new ServingCertificate(
          sign(builder, keys.getPrivate()), serving.getPrivate(), certificate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a serving certificate for " + hosts, e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PublicKey publicKey() {
    return keys.getPublic();
  }

  public String certificatePem() {
    return pem(certificate);
  }

  /** The CA's private key (PKCS#8 PEM): keep it where only this user reads. */
  public String keyPem() {
    return pem(keys.getPrivate());
  }

  /** PEM text of a certificate or key. */
  public static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(
          object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null).generate() : object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static GeneralNames alternativeNames(List<String> hosts) {
    return new GeneralNames(
        hosts.stream()
            .distinct()
            .map(
                host ->
                    isIpAddress(host)
                        ? new GeneralName(GeneralName.iPAddress, host)
                        : new GeneralName(GeneralName.dNSName, host))
            .toArray(GeneralName[]::new));
  }

  private static boolean isIpAddress(String host) {
    if (IPV4.matcher(host).matches() || host.contains(":")) {
      try {
        InetAddress.getByName(host); // a literal: parsed, never looked up
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key pairs in this JVM", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
