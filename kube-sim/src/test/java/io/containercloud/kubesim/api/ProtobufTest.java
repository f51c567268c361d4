package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Protobuf bodies as real clients send them, captured from kubectl 1.33 with -v=9. */
class ProtobufTest {

  /** kubectl create secret generic s1 -n x --from-literal=alpha=beta --type=helm.sh/release.v1 */
  private static final String SECRET =
      "6b3873000a0c0a0276311206536563726574123"
          + "80a130a0273311200"
          + "1a017822002a00320038004200120d0a05616c706861120462657461"
          + "1a1268656c6d2e73682f72656c656173652e7631"
          + "1a002200";

  @Test
  void readsASecretAsKubectlSendsIt() {
    ObjectNode secret = Protobuf.toJson(HexFormat.of().parseHex(SECRET));

    assertThat(secret.toString())
        .isEqualTo(
            "{\"metadata\":{\"name\":\"s1\",\"namespace\":\"x\",\"generation\":0},"
                + "\"data\":{\"alpha\":\"YmV0YQ==\"},\"type\":\"helm.sh/release.v1\","
                + "\"apiVersion\":\"v1\",\"kind\":\"Secret\"}");
  }

  @Test
  void refusesOtherKindsAndBrokenBodies() {
    // an envelope naming a ServiceAccount, with an empty object
    byte[] other =
        HexFormat.of().parseHex("6b3873000a140a027631120e536572766963654163636f756e741200");
    assertThatThrownBy(() -> Protobuf.toJson(other))
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(415))
        .hasMessageContaining("ServiceAccount");
    assertThatThrownBy(() -> Protobuf.toJson(HexFormat.of().parseHex("7b7d")))
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400));
    byte[] cut = HexFormat.of().parseHex(SECRET.substring(0, 60));
    assertThatThrownBy(() -> Protobuf.toJson(cut))
        .hasMessageContaining("the protobuf body is malformed");
  }
}
