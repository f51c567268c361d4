package io.containercloud.common.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.security.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.UUID;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Signs access tokens the way the gateway does (RS256, {@code kid}) with a test key, and serves
 * that key as a JWKS over real HTTP on loopback, so services verify tokens exactly as in
 * production.
 */
public final class TestTokens {

  public static final String ISSUER = "container-cloud-gateway";
  public static final String AUDIENCE = "container-cloud";

  private static final RSAKey KEY = generate("test-key-1");
  private static final URI JWKS_URI = serve(new JWKSet(KEY.toPublicJWK()));

  private TestTokens() {}

  public static URI jwksUri() {
    return JWKS_URI;
  }

  /** A valid five-minute token. */
  public static String token(String user, String tenant, Role... roles) {
    return sign(
        KEY, claims(user, tenant, roles, Instant.now().plus(Duration.ofMinutes(5))).build());
  }

  /** A token that expired a minute ago. */
  public static String expired(String user, String tenant, Role... roles) {
    return sign(
        KEY, claims(user, tenant, roles, Instant.now().minus(Duration.ofMinutes(1))).build());
  }

  /** A token for another audience. */
  public static String forAudience(String audience, String user, String tenant, Role... roles) {
    return sign(
        KEY,
        claims(user, tenant, roles, Instant.now().plusSeconds(300)).audience(audience).build());
  }

  /** A well-formed token signed by a key the JWKS does not hold. */
  public static String signedByStranger(String user, String tenant, Role... roles) {
    return sign(
        generate("test-key-1"),
        claims(user, tenant, roles, Instant.now().plusSeconds(300)).build());
  }

  private static JWTClaimsSet.Builder claims(
      String user, String tenant, Role[] roles, Instant expiry) {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(user)
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(Instant.now().minusSeconds(5)))
        .expirationTime(Date.from(expiry))
        .claim("tenant", tenant)
        .claim("roles", Arrays.stream(roles).map(Role::claim).toList());
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RSAKey generate(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URI serve(JWKSet jwks) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      byte[] body = jwks.toString().getBytes(StandardCharsets.UTF_8);
      server.createContext(
          "/.well-known/jwks.json",
          exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return URI.create(
          "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Points {@code platform.security.jwks-uri} at the test JWKS. */
  public static final class Initializer
      implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
      TestPropertyValues.of("platform.security.jwks-uri=" + jwksUri()).applyTo(context);
    }
  }
}
