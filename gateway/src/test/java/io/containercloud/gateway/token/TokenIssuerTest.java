package io.containercloud.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.gateway.GatewayProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.util.unit.DataSize;

class TokenIssuerTest {

  private static final Caller ALICE = new Caller("alice", "shop", Set.of(Role.DEVELOPER));

  @Test
  void rotationKeepsTokensOfThePreviousKeyValidAndSignsWithTheNewOne() throws Exception {
    Path oldKey = pem();
    Path newKey = pem();
    TokenIssuer before = new TokenIssuer(properties(oldKey, List.of()));
    String oldToken = before.issue(ALICE).value();

    TokenIssuer after = new TokenIssuer(properties(newKey, List.of(oldKey)));
    List<String> kids = after.verificationKeys().getKeys().stream().map(JWK::getKeyID).toList();
    assertThat(kids).hasSize(2).contains(before.verificationKeys().getKeys().get(0).getKeyID());

    NimbusJwtDecoder rotated =
        NimbusJwtDecoder.withPublicKey(
                after.verificationKeys().getKeys().get(1).toRSAKey().toRSAPublicKey())
            .build();
    assertThat(rotated.decode(oldToken).getSubject()).isEqualTo("alice");
    String newToken = after.issue(ALICE).value();
    NimbusJwtDecoder current =
        NimbusJwtDecoder.withPublicKey(
                after.verificationKeys().getKeys().get(0).toRSAKey().toRSAPublicKey())
            .build();
    assertThat(current.decode(newToken).getClaimAsString("tenant")).isEqualTo("shop");
    assertThatThrownBy(() -> current.decode(oldToken)).isInstanceOf(JwtException.class);
  }

  @Test
  void sameKeyFileAlwaysPublishesTheSameKid() throws Exception {
    Path key = pem();
    assertThat(
            new TokenIssuer(properties(key, List.of()))
                .verificationKeys()
                .getKeys()
                .get(0)
                .getKeyID())
        .isEqualTo(
            new TokenIssuer(properties(key, List.of()))
                .verificationKeys()
                .getKeys()
                .get(0)
                .getKeyID());
  }

  @Test
  void aPkcs1KeyAsOpensslAndHelmWriteItIsTheSameKeyAsItsPkcs8Form() throws Exception {
    Path dir = Files.createTempDirectory("keys");
    Path pkcs1 = dir.resolve("rsa.pem");
    Path pkcs8 = dir.resolve("pkcs8.pem");
    openssl("genrsa", "-traditional", "-out", pkcs1.toString(), "2048");
    openssl("pkcs8", "-topk8", "-nocrypt", "-in", pkcs1.toString(), "-out", pkcs8.toString());
    assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    TokenIssuer fromPkcs1 = new TokenIssuer(properties(pkcs1, List.of()));
    JWK published = fromPkcs1.verificationKeys().getKeys().get(0);
    assertThat(published.getKeyID())
        .isEqualTo(
            new TokenIssuer(properties(pkcs8, List.of()))
                .verificationKeys()
                .getKeys()
                .get(0)
                .getKeyID());
    String token = fromPkcs1.issue(ALICE).value();
    assertThat(
            NimbusJwtDecoder.withPublicKey(published.toRSAKey().toRSAPublicKey())
                .build()
                .decode(token)
                .getSubject())
        .isEqualTo("alice");
  }

  @Test
  void aKeyFileThatIsNotAnRsaPrivateKeyStopsTheStartNamingTheSetting() throws Exception {
    Path junk = Files.createTempFile("junk", ".pem");
    Files.writeString(
        junk, "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> new TokenIssuer(properties(junk, List.of())))
        .hasMessageContaining("platform.gateway.signing-key");
  }

  private static GatewayProperties properties(Path key, List<Path> previous) {
    return new GatewayProperties(
        Map.of(),
        Duration.ofMinutes(15),
        "container-cloud-gateway",
        "container-cloud",
        key,
        new GatewayProperties.BootstrapAdmin("admin", "platform"),
        DataSize.ofMegabytes(1),
        Duration.ofSeconds(10),
        List.of(),
        Duration.ofHours(12),
        previous,
        null,
        Map.of(),
        Map.of());
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("openssl %s: %s", args[0], output).isZero();
  }

  private static Path pem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
    Path file = Files.createTempFile("key", ".pem");
    Files.writeString(
        file, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
    return file;
  }
}
