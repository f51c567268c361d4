package io.containercloud.nginxmgr.certificate;

import io.containercloud.common.crypto.SecretCipher;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.nginx.model.ManagedCertificate;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.Syntax;
import io.containercloud.nginx.model.VirtualServer;
import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.Documents.Versioned;
import io.containercloud.nginxmgr.store.TenantObjects;
import io.containercloud.nginxmgr.store.TenantRequest;
import io.containercloud.nginxmgr.store.Versions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * TLS certificates of an nginx cluster, per tenant: uploaded as PEM, checked ({@link PemBundle}),
 * the private key sealed before it reaches etcd and never returned. Servers name them in {@code
 * tls.certificate}; the agents write the files.
 */
@RestController
@RequestMapping("/clusters/{cluster}/certificates")
@Validated
class CertificateResource {

  private static final String KEY_PROPERTY = "platform.nginx.certificates-key";

  private final TenantObjects<ManagedCertificate> certificates;
  private final Documents documents;
  private final SecretCipher cipher;
  private final Clock clock;

  CertificateResource(
      Documents documents, @Value("${" + KEY_PROPERTY + ":}") String certificatesKey) {
    this.certificates =
        new TenantObjects<>(
            documents, ManagedCertificate.class, "certificate", NginxKeys::certificates);
    this.documents = documents;
    this.cipher = SecretCipher.fromBase64(KEY_PROPERTY, certificatesKey);
    this.clock = Clock.systemUTC();
  }

  /**
   * @param name the certificate's name within the cluster
   * @param tenant the owning tenant (a platform admin may name another; default: the caller's)
   * @param certificate PEM: the server's certificate first, then its intermediates
   * @param key the PEM private key of the first certificate, unencrypted
   */
  record Upload(
      @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String name,
      @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String tenant,
      @NotNull @Size(max = 65_536) String certificate,
      @NotNull @Size(max = 16_384) String key) {}

  /** A certificate as the API shows it: never its key. */
  record View(
      String name,
      String tenant,
      String subject,
      String issuer,
      List<String> dnsNames,
      Instant notAfter,
      long daysLeft,
      String fingerprint,
      String chain) {}

  record Page(List<View> items, String next) {}

  @GetMapping
  Page list(
      @PathVariable String cluster,
      @RequestParam(required = false) @Pattern(regexp = Syntax.NAME, message = "must be a cursor")
          String cursor,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
    Documents.Page<ManagedCertificate> page = certificates.list(cluster, cursor, limit);
    return new Page(page.items().stream().map(v -> view(v.value())).toList(), page.next());
  }

  @GetMapping("/{name}")
  ResponseEntity<View> get(@PathVariable String cluster, @PathVariable String name) {
    return answer(certificates.get(cluster, name));
  }

  @PostMapping
  ResponseEntity<View> upload(@PathVariable String cluster, @Valid @RequestBody Upload upload) {
    Versioned<ManagedCertificate> created = certificates.create(cluster, checked(cluster, upload));
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{name}")
            .buildAndExpand(upload.name())
            .toUri();
    return ResponseEntity.created(location)
        .eTag(Versions.etag(created.revision()))
        .body(view(created.value()));
  }

  /** Renews a certificate in place: every server naming it serves the new one. */
  @PutMapping("/{name}")
  ResponseEntity<View> renew(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody Upload upload) {
    return answer(certificates.replace(cluster, name, ifMatch, checked(cluster, upload)));
  }

  @DeleteMapping("/{name}")
  ResponseEntity<Void> delete(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    ManagedCertificate certificate = certificates.get(cluster, name).value();
    List<String> users =
        documents
            .list(
                NginxKeys.servers(cluster),
                VirtualServer.class,
                null,
                10_000,
                key -> true,
                s ->
                    s.tls() != null
                        && s.tls().certificate().equals(name)
                        && s.tenant().equals(certificate.tenant()))
            .items()
            .stream()
            .map(v -> v.value().name())
            .toList();
    if (!users.isEmpty()) {
      throw ProblemException.conflict(
          "certificate-in-use", "Certificate '" + name + "' is used by servers " + users + ".");
    }
    certificates.delete(cluster, name, ifMatch);
    return ResponseEntity.noContent().build();
  }

  /** An upload that passed the checks, its key sealed: stored for the owner as it is. */
  private record Sealed(Upload upload, PemBundle.Valid valid, String sealedKey)
      implements TenantRequest<ManagedCertificate> {

    @Override
    public String name() {
      return upload.name();
    }

    @Override
    public String tenant() {
      return upload.tenant();
    }

    @Override
    public ManagedCertificate toDocument(String owner, ManagedCertificate current) {
      return new ManagedCertificate(
          upload.name(),
          owner,
          PemBundle.pem(valid.chain()),
          sealedKey,
          valid.fingerprint(),
          valid.leaf().getNotAfter().toInstant(),
          PemBundle.dnsNames(valid.leaf()));
    }
  }

  private Sealed checked(String cluster, Upload upload) {
    PemBundle.Checked checked =
        PemBundle.check(upload.certificate(), upload.key(), clock.instant());
    if (checked instanceof PemBundle.Invalid invalid) {
      throw ProblemException.unprocessable(
          "certificate-invalid",
          "The certificate and key cannot be served: " + reasons(invalid.violations()),
          invalid.violations());
    }
    PemBundle.Valid valid = (PemBundle.Valid) checked;
    String sealed =
        Base64.getEncoder()
            .encodeToString(
                cipher.encrypt(
                    ManagedCertificate.sealedFor(cluster, upload.name()), valid.pkcs8Key()));
    return new Sealed(upload, valid, sealed);
  }

  private static String reasons(List<FieldViolation> violations) {
    return String.join("; ", violations.stream().map(v -> v.field() + " " + v.reason()).toList());
  }

  private ResponseEntity<View> answer(Versioned<ManagedCertificate> certificate) {
    return ResponseEntity.ok()
        .eTag(Versions.etag(certificate.revision()))
        .body(view(certificate.value()));
  }

  private View view(ManagedCertificate certificate) {
    X509Certificate leaf = leaf(certificate.chain());
    return new View(
        certificate.name(),
        certificate.tenant(),
        leaf.getSubjectX500Principal().getName(),
        leaf.getIssuerX500Principal().getName(),
        certificate.dnsNames(),
        certificate.notAfter(),
        Duration.between(clock.instant(), certificate.notAfter()).toDays(),
        certificate.fingerprint(),
        certificate.chain());
  }

  private static X509Certificate leaf(String chain) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(chain.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalStateException("a stored certificate does not parse", e);
    }
  }
}
