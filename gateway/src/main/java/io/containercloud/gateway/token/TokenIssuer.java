package io.containercloud.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.gateway.GatewayProperties;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Signs short-lived access tokens (RS256 with {@code kid}) and publishes the public keys.
 *
 * <p>Rotation without logging anyone out: the new key signs, the previous ones stay in the JWKS
 * ({@code platform.gateway.previous-signing-keys}) until the tokens they signed have expired.
 */
@Component
public class TokenIssuer {

  private final RSAKey key;
  private final JWKSet publicKeys;
  private final Map<String, RSAPublicKey> publicKeysById;
  private final RSASSASigner signer;
  private final GatewayProperties properties;
  private final Clock clock;

  TokenIssuer(GatewayProperties properties) {
    this.properties = properties;
    this.key = SigningKey.load(properties.signingKey());
    List<JWK> published = new ArrayList<>(List.of(key.toPublicJWK()));
    properties
        .previousSigningKeys()
        .forEach(path -> published.add(SigningKey.load(path).toPublicJWK()));
    this.publicKeys = new JWKSet(published);
    this.publicKeysById = new HashMap<>();
    try {
      for (JWK jwk : published) {
        publicKeysById.put(jwk.getKeyID(), jwk.toRSAKey().toRSAPublicKey());
      }
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    this.clock = Clock.systemUTC();
    try {
      this.signer = new RSASSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An access token for {@code caller}, valid for {@code platform.gateway.access-token-ttl}. */
  public IssuedToken issue(Caller caller) {
    Instant now = clock.instant();
    Instant expiry = now.plus(properties.accessTokenTtl());
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(properties.issuer())
            .audience(properties.audience())
            .subject(caller.user())
            .jwtID(UUID.randomUUID().toString())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(expiry))
            .claim(Caller.TENANT_CLAIM, caller.tenant())
            .claim(Caller.ROLES_CLAIM, caller.roles().stream().map(Role::claim).sorted().toList())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return new IssuedToken(jwt.serialize(), properties.accessTokenTtl().toSeconds());
  }

  /**
   * Every key a token of this gateway may be signed with: the current one and the previous ones.
   */
  public JWKSet verificationKeys() {
    return publicKeys;
  }

  /** The public key with this {@code kid}, converted once: verification runs on every request. */
  public Optional<RSAPublicKey> verificationKey(String kid) {
    return Optional.ofNullable(kid).map(publicKeysById::get);
  }

  Map<String, Object> jwks() {
    return publicKeys.toJSONObject();
  }

  /** A signed token and its lifetime in seconds. */
  public record IssuedToken(String value, long expiresIn) {}
}
