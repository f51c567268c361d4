package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ValidationTest {

  private static final ResourceType DEPLOYMENTS =
      ResourceType.of("apps", "v1", "deployments", true);
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aWorkloadSelectsItsOwnTemplateWithContainersThatHaveImages() {
    ObjectNode good =
        deployment("{\"app\":\"web\"}", "{\"app\":\"web\",\"tier\":\"front\"}", "web:1");
    Validation.check(DEPLOYMENTS, "web", good, null);

    assertInvalid(
        deployment("{\"app\":\"web\"}", "{\"app\":\"api\"}", "web:1"),
        null,
        "`selector` does not match template `labels`");
    assertInvalid(
        deployment("{\"app\":\"web\"}", "{\"app\":\"web\"}", ""),
        null,
        "spec.template.spec.containers[0].image: Required value");
    assertInvalid(
        deployment(
            "{\"app\":\"web\",\"tier\":\"front\"}",
            "{\"app\":\"web\",\"tier\":\"front\"}",
            "web:1"),
        good,
        "spec.selector: Invalid value");
  }

  @Test
  void aJobRestartsNeverOrOnFailureAndAServiceHasPortsUnlessHeadless() {
    ObjectNode job =
        (ObjectNode)
            json.readTree(
                "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Always\","
                    + "\"containers\":[{\"name\":\"a\",\"image\":\"a:1\"}]}}}}");
    assertThatThrownBy(
            () -> Validation.check(ResourceType.of("batch", "v1", "jobs", true), "j", job, null))
        .hasMessageContaining("restartPolicy: Required value");
    ResourceType services = ResourceType.of("", "v1", "services", true);
    assertThatThrownBy(
            () ->
                Validation.check(services, "s", (ObjectNode) json.readTree("{\"spec\":{}}"), null))
        .hasMessageContaining("spec.ports: Required value");
    Validation.check(
        services, "h", (ObjectNode) json.readTree("{\"spec\":{\"clusterIP\":\"None\"}}"), null);
  }

  private void assertInvalid(ObjectNode object, ObjectNode before, String message) {
    assertThatThrownBy(() -> Validation.check(DEPLOYMENTS, "web", object, before))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  private ObjectNode deployment(String selector, String labels, String image) {
    return (ObjectNode)
        json.readTree(
            "{\"spec\":{\"selector\":{\"matchLabels\":"
                + selector
                + "},\"template\":{\"metadata\":{\"labels\":"
                + labels
                + "},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\""
                + image
                + "\"}]}}}}");
  }
}
