package io.containercloud.kubesim.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  private static final Instant NOW = Instant.parse("2030-01-01T10:00:00.750Z");
  private static final CertificateAuthority CA =
      CertificateAuthority.create("room-1-ca", Duration.ofDays(3650), NOW);

  @Test
  void aCaIsSelfSignedForItsLifetimeToTheSecond() throws Exception {
    X509Certificate ca = CA.certificate();

    ca.verify(ca.getPublicKey());
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("O=kube-sim,CN=room-1-ca");
    assertThat(ca.getBasicConstraints()).isNotNegative();
    assertThat(ca.getNotBefore().toInstant()).isEqualTo("2030-01-01T10:00:00Z");
    assertThat(ca.getNotAfter().toInstant()).isEqualTo("2039-12-30T10:00:00Z");
  }

  @Test
  void servingCertificatesChainToTheCaWithHostsAsAlternativeNames() throws Exception {
    ServingCertificate serving =
        CA.issueServing(
            "kube-apiserver",
            List.of("127.0.0.1", "localhost", "kube-sim", "localhost"),
            Duration.ofDays(20),
            NOW);
    X509Certificate leaf = serving.certificate();

    leaf.verify(CA.publicKey());
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(CA.certificate().getSubjectX500Principal());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(7, "127.0.0.1"), List.of(2, "localhost"), List.of(2, "kube-sim"));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo("2030-01-21T10:00:00Z");
    assertThat(serving.serverContext().getProtocol()).isEqualTo("TLS");
    assertThat(serving.toString()).doesNotContain("PRIVATE", serving.key().toString());
  }

  @Test
  void noServingCertificateOutlivesItsCa() {
    CertificateAuthority shortLived = CertificateAuthority.create("c", Duration.ofDays(5), NOW);

    X509Certificate leaf =
        shortLived
            .issueServing("kube-apiserver", List.of("127.0.0.1"), Duration.ofDays(365), NOW)
            .certificate();

    assertThat(leaf.getNotAfter()).isEqualTo(shortLived.certificate().getNotAfter());
  }

  @Test
  void aCaKeptAsPemIssuesCertificatesTheOriginalVouchesFor() throws Exception {
    CertificateAuthority kept = CertificateAuthority.fromPem(CA.certificatePem(), CA.keyPem());

    assertThat(kept.certificate()).isEqualTo(CA.certificate());
    assertThat(CA.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    kept.issueServing("kube-apiserver", List.of("localhost"), Duration.ofDays(1), NOW)
        .certificate()
        .verify(CA.publicKey());
    assertThatThrownBy(() -> CertificateAuthority.fromPem("not pem", CA.keyPem()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
