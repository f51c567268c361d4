package io.containercloud.nginx.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The documents under {@code /nginx/v1/} stay readable both ways across releases, so that an agent
 * built before a change follows the new nginx-mgr and the other way round. The golden files are
 * what nginx-mgr wrote to etcd before the schema left platform-common (copied from etcd), and a
 * report in the form agents of that time wrote (fields and instant format as a running one's).
 */
class EtcdDocumentsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Validator VALIDATOR =
      Validation.buildDefaultValidatorFactory().getValidator();

  static Stream<Arguments> goldenDocuments() {
    return Stream.of(
        arguments("cluster.json", NginxCluster.class),
        arguments("server.json", VirtualServer.class),
        arguments("upstream.json", Upstream.class),
        arguments("certificate.json", ManagedCertificate.class),
        arguments("agent-report.json", AgentReport.class));
  }

  @ParameterizedTest
  @MethodSource("goldenDocuments")
  void aDocumentWrittenBeforeIsReadValidAndWrittenBackWithTheSameFieldsAndValues(
      String file, Class<?> type) {
    String golden = golden(file);

    Object document = JSON.readValue(golden, type);

    assertThat(VALIDATOR.validate(document)).isEmpty();
    assertThat(JSON.readTree(JSON.writeValueAsString(document))).isEqualTo(JSON.readTree(golden));
  }

  @Test
  void keysFollowTheLayoutAgentsAndNginxMgrShare() {
    assertThat(NginxKeys.cluster("edge")).isEqualTo("/nginx/v1/clusters/edge");
    assertThat(NginxKeys.servers("edge")).isEqualTo("/nginx/v1/clusters/edge/servers/");
    assertThat(NginxKeys.upstreams("edge")).isEqualTo("/nginx/v1/clusters/edge/upstreams/");
    assertThat(NginxKeys.certificates("edge")).isEqualTo("/nginx/v1/clusters/edge/certificates/");
    assertThat(NginxKeys.agents("edge")).isEqualTo("/nginx/v1/agents/edge/");
  }

  @Test
  void aCertificateKeyIsSealedForItsClusterAndName() {
    assertThat(ManagedCertificate.sealedFor("edge", "shop-cert"))
        .isEqualTo("nginx-certificate:edge/shop-cert");
  }

  private static String golden(String file) {
    try (InputStream in = EtcdDocumentsTest.class.getResourceAsStream("/golden/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
