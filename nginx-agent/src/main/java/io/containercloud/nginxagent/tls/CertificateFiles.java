package io.containercloud.nginxagent.tls;

import io.containercloud.common.crypto.SecretCipher;
import io.containercloud.nginx.model.ManagedCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes the cluster's managed certificates where nginx reads them: {@code <name>-<version>.crt}
 * (the chain, world-readable) and {@code .key} (owner-only from its creation, never readable by
 * others). A renewed certificate or a new key gets new file names, so the configuration that uses
 * it changes and nginx reloads; files no configuration uses any more are removed after a successful
 * apply.
 */
public final class CertificateFiles {

  /** The two files of one certificate. */
  public record TlsFiles(Path chain, Path key) {}

  private final Path dir;
  private final String cluster;
  private final SecretCipher cipher;
  private Set<Path> kept; // by the last removeAllBut; null before the first

  /**
   * @param cipher opens the sealed keys; null when the agent has no certificates key (every server
   *     with TLS is then left out, with that reason)
   */
  public CertificateFiles(Path dir, String cluster, SecretCipher cipher) {
    this.dir = dir;
    this.cluster = cluster;
    this.cipher = cipher;
  }

  /**
   * The files of {@code certificate}, written when missing.
   *
   * @throws IllegalStateException with the reason when they cannot be written (no key configured, a
   *     key that does not open, a chain that does not parse)
   */
  public TlsFiles write(ManagedCertificate certificate) {
    if (cipher == null) {
      throw new IllegalStateException(
          "this agent has no certificates key (platform.nginx-agent.certificates-key)");
    }
    String base = certificate.name() + "-" + version(certificate);
    TlsFiles files = new TlsFiles(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
    if (Files.exists(files.chain()) && Files.exists(files.key())) {
      return files;
    }
    parseChain(certificate);
    String key =
        cipher.decrypt(
            ManagedCertificate.sealedFor(cluster, certificate.name()),
            Base64.getDecoder().decode(certificate.sealedKey()));
    try {
      Files.createDirectories(dir);
      writeAtomically(files.key(), key, "rw-------");
      writeAtomically(files.chain(), certificate.chain(), "rw-r--r--");
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the files of " + certificate.name(), e);
    }
    return files;
  }

  /** Names each stored state apart: a renewed chain or a replaced key gets new files. */
  public static String version(ManagedCertificate certificate) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (certificate.chain() + "\n" + certificate.sealedKey())
                      .getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Removes certificate files that none of {@code inUse} names; nothing to do (and no listing of
   * the folder) while they are the ones kept last time, as files are only written for those in use.
   */
  public void removeAllBut(Collection<TlsFiles> inUse) {
    Set<Path> keep = new HashSet<>();
    inUse.forEach(
        f -> {
          keep.add(f.chain());
          keep.add(f.key());
        });
    if (keep.equals(kept) || !Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{crt,key}")) {
      for (Path file : files) {
        if (!keep.contains(file)) {
          Files.deleteIfExists(file);
        }
      }
      kept = keep;
    } catch (IOException e) {
      throw new IllegalStateException("cannot clean " + dir, e);
    }
  }

  private static void parseChain(ManagedCertificate certificate) {
    try {
      if (CertificateFactory.getInstance("X.509")
          .generateCertificates(
              new ByteArrayInputStream(certificate.chain().getBytes(StandardCharsets.US_ASCII)))
          .isEmpty()) {
        throw new IllegalStateException("certificate " + certificate.name() + " holds no chain");
      }
    } catch (CertificateException e) {
      throw new IllegalStateException(
          "certificate " + certificate.name() + " does not parse: " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path file, String text, String permissions)
      throws IOException {
    Path temp =
        Files.createTempFile(
            file.getParent(),
            ".cert",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
    try {
      Files.writeString(temp, text);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
