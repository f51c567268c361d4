package io.containercloud.build.registry.rooms;

import com.fasterxml.jackson.annotation.JsonValue;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;

/**
 * A machine room's image registry as registered: its password stays sealed here.
 *
 * @param room the cluster whose workloads pull from it
 * @param kind which API manages its projects and accounts
 * @param username who the platform is there, or null for anonymous access
 * @param sealedPassword the password sealed for this registry, or null
 * @param dnsName the name last announced for it, or null before the first announcement
 */
public record ImageRegistry(
    long id,
    String name,
    String room,
    URI url,
    Kind kind,
    String username,
    byte[] sealedPassword,
    String dnsName,
    Instant createdAt,
    Instant updatedAt) {

  /** The registry's software, which decides how projects and accounts are managed. */
  public enum Kind {
    /** The CNCF distribution registry (Debian's docker-registry): the OCI API only. */
    DISTRIBUTION,
    /** Harbor: projects, robot accounts and scan reports through its API besides OCI. */
    HARBOR;

    @JsonValue
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The host and port image references name it by. */
  public String authority() {
    return url.getRawAuthority();
  }
}
