package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DiscoveryTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final Discovery discovery = new Discovery(json, List::of);

  @Test
  void theCoreGroupHasVersionV1AtTheAddressTheClientUsed() {
    JsonNode api = read("/api");
    assertThat(api.path("kind").asString()).isEqualTo("APIVersions");
    assertThat(api.path("versions").toString()).isEqualTo("[\"v1\"]");
    assertThat(api.path("serverAddressByClientCIDRs").get(0).path("serverAddress").asString())
        .isEqualTo("127.0.0.1:16443");
  }

  @Test
  void theGroupListNamesEachGroupWithItsPreferredVersion() {
    JsonNode groups = read("/apis").path("groups");
    List<String> names = new ArrayList<>();
    groups.forEach(g -> names.add(g.path("name").asString()));
    assertThat(names)
        .contains("apps", "batch", "policy", "networking.k8s.io", "rbac.authorization.k8s.io")
        .doesNotContain("");
    JsonNode apps = read("/apis/apps");
    assertThat(apps.path("kind").asString()).isEqualTo("APIGroup");
    assertThat(apps.path("preferredVersion").path("groupVersion").asString()).isEqualTo("apps/v1");
    assertThat(discovery.document("/apis/example.com", "h")).isEmpty();
    assertThat(discovery.document("/apis/example.com/v1", "h")).isEmpty();
    assertThat(discovery.document("/apis/apps/v2", "h")).isEmpty();
  }

  @Test
  void aResourceListHasVerbsShortNamesCategoriesAndSubresources() {
    JsonNode apps = read("/apis/apps/v1/");
    assertThat(apps.path("groupVersion").asString()).isEqualTo("apps/v1");
    JsonNode deployments = named(apps, "deployments");
    assertThat(deployments.path("kind").asString()).isEqualTo("Deployment");
    assertThat(deployments.path("singularName").asString()).isEqualTo("deployment");
    assertThat(deployments.path("namespaced").asBoolean()).isTrue();
    assertThat(deployments.path("shortNames").toString()).isEqualTo("[\"deploy\"]");
    assertThat(deployments.path("categories").toString()).isEqualTo("[\"all\"]");
    assertThat(deployments.path("verbs").toString()).contains("\"watch\"", "\"deletecollection\"");
    JsonNode scale = named(apps, "deployments/scale");
    assertThat(scale.path("group").asString()).isEqualTo("autoscaling");
    assertThat(scale.path("version").asString()).isEqualTo("v1");
    assertThat(scale.path("kind").asString()).isEqualTo("Scale");
    assertThat(named(apps, "daemonsets/status").path("kind").asString()).isEqualTo("DaemonSet");
    assertThat(named(apps, "daemonsets/scale")).isNull();

    JsonNode core = read("/api/v1");
    assertThat(named(core, "nodes").path("namespaced").asBoolean()).isFalse();
    assertThat(named(core, "pods/log").path("verbs").toString()).isEqualTo("[\"get\"]");
    assertThat(named(core, "pods/exec").path("kind").asString()).isEqualTo("PodExecOptions");
    assertThat(named(core, "configmaps/status")).as("no status subresource").isNull();
    assertThat(named(read("/apis/metrics.k8s.io/v1beta1"), "pods").path("verbs").toString())
        .isEqualTo("[\"get\",\"list\"]");
  }

  private JsonNode read(String path) {
    return json.readTree(discovery.document(path, "127.0.0.1:16443").orElseThrow());
  }

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode resource : list.path("resources")) {
      if (resource.path("name").asString().equals(name)) {
        return resource;
      }
    }
    return null;
  }
}
