package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class FieldValidationTest {

  private static final ResourceType DEPLOYMENTS =
      ResourceType.of("apps", "v1", "deployments", true);

  private final JsonMapper json = JsonMapper.builder().build();

  private final ObjectNode typos =
      (ObjectNode)
          json.readTree(
              """
              {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","lables":{}},
               "spec":{"replicaCount":2,"selector":{"matchLabels":{"app":"web"}},
                "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
                 {"name":"a","image":"a:1"},
                 {"name":"b","image":"b:1","env":[{"name":"X","valu":"1"}],
                  "resources":{"limits":{"memory":"1Gi"}}}]}}}}""");

  @Test
  void namesEachUnknownFieldByItsPathAsKubectlDoes() {
    assertThat(FieldValidation.unknownFields(typos))
        .containsExactlyInAnyOrder(
            "metadata.lables", "spec.replicaCount", "spec.template.spec.containers[1].env[0].valu");
  }

  @Test
  void strictRefusesWarnWarnsIgnoreAndNoneSayNothing() {
    assertThatThrownBy(() -> FieldValidation.check("Strict", typos, DEPLOYMENTS))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("cannot be handled as a Deployment: strict decoding error: ")
        .hasMessageContaining("unknown field \"metadata.lables\"")
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400));
    assertThat(FieldValidation.check("Warn", typos, DEPLOYMENTS))
        .contains("unknown field \"spec.replicaCount\"");
    assertThat(FieldValidation.warnings(FieldValidation.check("Warn", typos, DEPLOYMENTS)))
        .contains("299 - \"unknown field \\\"spec.replicaCount\\\"\"");
    assertThat(FieldValidation.check("Ignore", typos, DEPLOYMENTS)).isEmpty();
    assertThat(FieldValidation.check(null, typos, DEPLOYMENTS)).isEmpty();
    assertThatThrownBy(() -> FieldValidation.check("Loose", typos, DEPLOYMENTS))
        .hasMessageContaining("fieldValidation: Unsupported value: \"Loose\"");
  }

  @Test
  void aWellFormedObjectAndACustomResourcePass() {
    ObjectNode fine = typos.deepCopy();
    ((ObjectNode) fine.path("metadata")).remove("lables");
    ((ObjectNode) fine.path("spec")).remove("replicaCount");
    ((ObjectNode) fine.at("/spec/template/spec/containers/1/env/0")).remove("valu");
    assertThat(FieldValidation.check("Strict", fine, DEPLOYMENTS)).isEmpty();

    ObjectNode widget =
        (ObjectNode)
            json.readTree(
                "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
                    + "\"anything\":1}");
    assertThat(
            FieldValidation.check(
                "Strict", widget, ResourceType.of("example.com", "v1", "widgets", true)))
        .isEmpty();
  }
}
