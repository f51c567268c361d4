package io.containercloud.nginx.model;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * A TLS certificate an nginx cluster serves ({@code /nginx/v1/clusters/<cluster>/certificates/
 * <name>}), uploaded through nginx-mgr and checked there: the chain parses, each certificate is
 * signed by the next, none has expired, and the key matches the first. The agents write it to files
 * they name themselves, so a server never names a path on the host.
 *
 * @param name the certificate's name within its cluster (what {@code tls.certificate} names)
 * @param tenant the owning tenant
 * @param chain PEM certificates, the server's first, then its intermediates
 * @param sealedKey the PEM private key sealed with the certificates key nginx-mgr and the agents
 *     share (platform-common's {@code SecretCipher}, associated data {@link #sealedFor}), base64
 * @param fingerprint SHA-256 of the first certificate (lowercase hex); it names the files
 * @param notAfter when the first certificate expires
 * @param dnsNames the first certificate's DNS subject alternative names
 */
public record ManagedCertificate(
    @NotNull @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String name,
    @Pattern(regexp = Syntax.NAME, message = Syntax.NAME_MESSAGE) String tenant,
    @NotNull @Size(max = 65_536) String chain,
    @NotNull @Size(max = 16_384) @Pattern(regexp = "[A-Za-z0-9+/=]+") String sealedKey,
    @NotNull @Pattern(regexp = "[0-9a-f]{64}") String fingerprint,
    @NotNull Instant notAfter,
    @Size(max = 100) List<String> dnsNames)
    implements TenantOwned {

  /** The associated data the key is sealed with: a sealed key copied elsewhere does not open. */
  public static String sealedFor(String cluster, String name) {
    return "nginx-certificate:" + cluster + "/" + name;
  }
}
