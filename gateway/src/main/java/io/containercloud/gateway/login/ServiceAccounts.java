package io.containercloud.gateway.login;

import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.gateway.GatewayProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The client-credentials accounts of platform services. Secrets are read once at start and compared
 * as SHA-256 digests in constant time, so neither a wrong length nor a wrong prefix answers faster.
 */
@Component
class ServiceAccounts {

  /** The subject prefix of service tokens: no local or external user name can take it. */
  static final String SUBJECT_PREFIX = "service:";

  private final Map<String, GatewayProperties.ServiceAccount> accounts;
  private final Map<String, byte[]> digests = new HashMap<>();

  ServiceAccounts(GatewayProperties properties) {
    this.accounts = properties.serviceAccounts();
    accounts.forEach(
        (name, account) -> {
          try {
            String secret = Files.readString(account.secretFile(), StandardCharsets.UTF_8).strip();
            if (secret.length() < 32) {
              throw new IllegalStateException(
                  "platform.gateway.service-accounts."
                      + name
                      + ".secret-file holds fewer than 32 characters");
            }
            digests.put(name, sha256(secret));
          } catch (IOException e) {
            throw new UncheckedIOException(
                "cannot read platform.gateway.service-accounts." + name + ".secret-file", e);
          }
        });
  }

  /** The account {@code client} when {@code secret} is its secret. */
  Optional<GatewayProperties.ServiceAccount> authenticate(String client, String secret) {
    byte[] expected = digests.get(client);
    boolean matches =
        MessageDigest.isEqual(expected == null ? new byte[32] : expected, sha256(secret));
    return expected != null && matches ? Optional.of(accounts.get(client)) : Optional.empty();
  }

  /** Who a token of {@code client} acting in {@code tenant} names. */
  static Caller caller(String client, GatewayProperties.ServiceAccount account, String tenant) {
    return new Caller(
        SUBJECT_PREFIX + client, tenant, Set.of(Role.fromClaim(account.role()).orElseThrow()));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
