package io.containercloud.build.registry.rooms;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.common.crypto.SecretCipher;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OCI client per registered registry, its credentials opened here and nowhere else; kept while
 * the registration is unchanged, so the tokens a registry gave are reused until they expire.
 */
@Component
public class RegistryClients {

  private final ImageRegistryRepository registries;
  private final SecretCipher cipher;
  private final JsonMapper json;
  private final TransferProperties transfers;
  // redirects are followed by OciClient itself: the JDK's would carry the credentials along
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<Long, Cached> clients = new ConcurrentHashMap<>();

  RegistryClients(
      ImageRegistryRepository registries,
      SecretCipher cipher,
      JsonMapper json,
      TransferProperties transfers) {
    this.registries = registries;
    this.cipher = cipher;
    this.json = json;
    this.transfers = transfers;
  }

  private record Cached(ImageRegistry registry, OciClient client) {}

  /** The registry registered as {@code name}; a failure to sync when it is gone. */
  public ImageRegistry registered(String name) throws OciException {
    return registries
        .find(name)
        .orElseThrow(() -> new OciException("registry " + name + " is not registered"));
  }

  /** The client of the registry registered as {@code name}. */
  public OciClient client(String name) throws OciException {
    return client(registered(name));
  }

  /** The client of {@code registry} as registered now. */
  public OciClient client(ImageRegistry registry) {
    Cached cached = clients.get(registry.id());
    if (cached != null && cached.registry().updatedAt().equals(registry.updatedAt())) {
      return cached.client();
    }
    OciClient client =
        new OciClient(
            registry.url(),
            credentials(registry),
            http,
            json,
            transfers.timeout(),
            transfers.minRate().toBytes());
    clients.put(registry.id(), new Cached(registry, client));
    return client;
  }

  /** Harbor's own API at {@code registry}, as the platform's account there. */
  public HarborApi harbor(ImageRegistry registry) {
    return new HarborApi(registry.url(), credentials(registry), http, json);
  }

  /**
   * Whether {@code username} and {@code password} are the platform's own account at one of the
   * registered registries: the account sync policies copy with, which may do anything there.
   */
  public boolean isPlatformAccount(String username, String password) {
    byte[] given = password.getBytes(StandardCharsets.UTF_8);
    return registries.findAll().stream()
        .filter(r -> username.equals(r.username()) && r.sealedPassword() != null)
        .anyMatch(
            r ->
                MessageDigest.isEqual(
                    cipher
                        .decrypt(owner(r.name()), r.sealedPassword())
                        .getBytes(StandardCharsets.UTF_8),
                    given));
  }

  /** Seals {@code password} for the registry {@code name}. */
  byte[] seal(String name, String password) {
    return cipher.encrypt(owner(name), password);
  }

  void forget(long id) {
    clients.remove(id);
  }

  private OciClient.Credentials credentials(ImageRegistry registry) {
    return registry.username() == null
        ? null
        : new OciClient.Credentials(
            registry.username(), cipher.decrypt(owner(registry.name()), registry.sealedPassword()));
  }

  private static String owner(String name) {
    return "image-registry/" + name;
  }
}
