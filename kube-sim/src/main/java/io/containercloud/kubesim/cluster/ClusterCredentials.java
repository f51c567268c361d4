package io.containercloud.kubesim.cluster;

import io.containercloud.kubesim.tls.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a simulated cluster authenticates with: its CA and the bearer token its kubeconfig carries.
 *
 * <p>Both are made once per kubeconfig folder and kept there ({@code pki/<cluster>/ca.crt}, {@code
 * ca.key}, {@code token}, readable by this user only), as a real cluster keeps its PKI when its API
 * server restarts: kubeconfigs registered elsewhere (the local platform's cluster-service keeps
 * them sealed) stay valid across restarts. A CA that expired, or whose lifetime differs from {@code
 * kube-sim.ca-validity}, is replaced; the serving certificate is issued afresh at every start.
 */
final class ClusterCredentials {

  private static final Logger log = LoggerFactory.getLogger(ClusterCredentials.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CertificateAuthority ca;
  private final String token;

  private ClusterCredentials(CertificateAuthority ca, String token) {
    this.ca = ca;
    this.token = token;
  }

  /** The credentials kept in {@code dir}, or new ones written there. */
  static ClusterCredentials loadOrCreate(
      Path dir, String cluster, Duration caValidity, Instant now) {
    try {
      Files.createDirectories(dir);
      restrict(dir, "rwx------");
      CertificateAuthority ca =
          keptCa(dir, caValidity, now)
              .orElseGet(
                  () -> {
                    CertificateAuthority made =
                        CertificateAuthority.create(cluster + "-ca", caValidity, now);
                    write(dir.resolve("ca.key"), made.keyPem());
                    write(dir.resolve("ca.crt"), made.certificatePem());
                    return made;
                  });
      String token = keptToken(dir).orElseGet(() -> write(dir.resolve("token"), newToken()));
      return new ClusterCredentials(ca, token);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the credentials of " + cluster + " in " + dir, e);
    }
  }

  CertificateAuthority ca() {
    return ca;
  }

  /** The bearer token the cluster's API server accepts. */
  String token() {
    return token;
  }

  @Override
  public String toString() {
    return "ClusterCredentials[" + ca.certificate().getSubjectX500Principal() + "]"; // no token
  }

  private static Optional<CertificateAuthority> keptCa(Path dir, Duration validity, Instant now) {
    Path certificate = dir.resolve("ca.crt");
    Path key = dir.resolve("ca.key");
    if (!Files.exists(certificate) || !Files.exists(key)) {
      return Optional.empty();
    }
    try {
      CertificateAuthority ca =
          CertificateAuthority.fromPem(Files.readString(certificate), Files.readString(key));
      Instant from = ca.certificate().getNotBefore().toInstant();
      Instant until = ca.certificate().getNotAfter().toInstant();
      if (!until.isAfter(now)) {
        log.warn("the CA in {} expired at {}: making a new one", dir, until);
        return Optional.empty();
      }
      if (!Duration.between(from, until).equals(validity)) {
        log.info("kube-sim.ca-validity is now {}: making a new CA in {}", validity, dir);
        return Optional.empty();
      }
      return Optional.of(ca);
    } catch (IOException | IllegalArgumentException e) {
      log.warn("the CA in {} is unreadable ({}): making a new one", dir, e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<String> keptToken(Path dir) throws IOException {
    Path file = dir.resolve("token");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String token = Files.readString(file).trim();
    return token.matches("[0-9a-f]{64}") ? Optional.of(token) : Optional.empty();
  }

  /** 256 random bits, hex: as unguessable as a service account token, and safe in YAML. */
  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String write(Path file, String text) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file);
      restrict(file, "rw-------");
      Files.writeString(file, text);
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Owner-only permissions where the file system has POSIX ones. */
  static void restrict(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system (Windows): its default ACLs apply
    }
  }
}
