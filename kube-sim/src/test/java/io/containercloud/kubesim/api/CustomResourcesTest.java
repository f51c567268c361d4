package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class CustomResourcesTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final ObjectStore store = new ObjectStore(json, 3);
  private final CustomResources types = new CustomResources(store);

  @Test
  void aStoredDefinitionServesItsKindWithItsSubresourcesForEachServedVersion() {
    store.create(
        CustomResources.DEFINITIONS,
        "",
        (ObjectNode)
            json.readTree(
                """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"backups.example.com"},
                 "spec":{"group":"example.com","scope":"Namespaced",
                   "names":{"plural":"backups","kind":"Backup"},
                   "versions":[
                     {"name":"v1","served":true,"storage":true,"subresources":{"status":{}}},
                     {"name":"v1beta1","served":false,"storage":false}]}}"""),
        false);

    ResourceType backups = types.of("example.com", "v1", "backups", true);
    assertThat(backups.kind()).isEqualTo("Backup");
    assertThat(backups.status()).isTrue();
    assertThat(backups.scale()).isFalse();
    assertThat(types.all()).containsExactly(backups);
    // a version not served, and a plural no definition names, are stored as undeclared kinds
    assertThat(types.of("example.com", "v1beta1", "backups", true).kind()).isNull();
    assertThat(types.of("example.com", "v1", "restores", true).kind()).isNull();
    // a built-in kind is never looked up among the definitions
    assertThat(types.of("apps", "v1", "deployments", true).kind()).isEqualTo("Deployment");
  }
}
