package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Strategic merge patches as kube-apiserver applies them, each case a patch kubectl would send. */
class StrategicMergeTest {

  private static final ResourceType DEPLOYMENTS =
      ResourceType.of("apps", "v1", "deployments", true);
  private static final ResourceType SERVICES = ResourceType.of("", "v1", "services", true);

  private final JsonMapper json = JsonMapper.builder().build();

  private final ObjectNode web =
      object(
          """
          {"apiVersion":"apps/v1","kind":"Deployment",
           "metadata":{"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["a","b"]},
           "spec":{"replicas":2,
            "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
            "template":{"spec":{
             "tolerations":[{"key":"x","operator":"Exists"}],
             "volumes":[{"name":"tmp","emptyDir":{}},{"name":"conf","configMap":{"name":"c"}}],
             "containers":[
              {"name":"app","image":"web:1",
               "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
               "ports":[{"containerPort":8080,"name":"http"},{"containerPort":9090,"name":"admin"}],
               "resources":{"limits":{"memory":"1Gi","cpu":"1"}}},
              {"name":"sidecar","image":"proxy:1"}]}}}}""");

  @Test
  void mergesContainersByNameAndTheirEnvAndPortsByTheirKeys() {
    ObjectNode result =
        patch(
            DEPLOYMENTS,
            """
            {"spec":{"template":{"spec":{"containers":[
              {"name":"app","image":"web:2",
               "env":[{"name":"B","value":"20"},{"name":"C","value":"3"}],
               "ports":[{"containerPort":9090,"$patch":"delete"}]}]}}}}""");

    JsonNode containers = result.at("/spec/template/spec/containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).path("image").asString()).isEqualTo("web:2");
    assertThat(containers.get(1).path("image").asString()).isEqualTo("proxy:1");
    assertThat(containers.get(0).path("env").toString())
        .isEqualTo(
            "[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"20\"},"
                + "{\"name\":\"C\",\"value\":\"3\"}]");
    assertThat(containers.get(0).path("ports").toString())
        .isEqualTo("[{\"containerPort\":8080,\"name\":\"http\"}]");
  }

  @Test
  void replacesListsWithoutAMergeKeyAndDeletesFieldsSetToNull() {
    ObjectNode result =
        patch(
            DEPLOYMENTS,
            """
            {"metadata":{"labels":{"tier":null}},
             "spec":{"template":{"spec":{"tolerations":[{"key":"y","operator":"Exists"}]}}}}""");

    assertThat(result.at("/metadata/labels").toString()).isEqualTo("{\"app\":\"web\"}");
    assertThat(result.at("/spec/template/spec/tolerations").toString())
        .isEqualTo("[{\"key\":\"y\",\"operator\":\"Exists\"}]");
  }

  @Test
  void retainKeysDropsTheOldStrategysSettingsWhenItsTypeChanges() {
    ObjectNode result =
        patch(
            DEPLOYMENTS,
            """
            {"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}""");

    assertThat(result.at("/spec/strategy").toString()).isEqualTo("{\"type\":\"Recreate\"}");
  }

  @Test
  void replaceDirectivesReplaceAMapOrAWholeList() {
    ObjectNode result =
        patch(
            DEPLOYMENTS,
            """
            {"spec":{"template":{"spec":{
              "volumes":[{"$patch":"replace"},{"name":"data","emptyDir":{}}],
              "containers":[{"name":"app","resources":{"$patch":"replace","limits":{"memory":"2Gi"}}}]}}}}""");

    assertThat(result.at("/spec/template/spec/volumes").toString())
        .isEqualTo("[{\"name\":\"data\",\"emptyDir\":{}}]");
    assertThat(result.at("/spec/template/spec/containers/0/resources").toString())
        .isEqualTo("{\"limits\":{\"memory\":\"2Gi\"}}");
  }

  @Test
  void ordersAListAsSetElementOrderSaysAndKeepsFinalizersAsASet() {
    ObjectNode result =
        patch(
            DEPLOYMENTS,
            """
            {"metadata":{"finalizers":["b","c"],"$deleteFromPrimitiveList/finalizers":["a"]},
             "spec":{"template":{"spec":{
              "$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],
              "containers":[{"name":"sidecar","image":"proxy:2"}]}}}}""");

    assertThat(result.at("/metadata/finalizers").toString()).isEqualTo("[\"b\",\"c\"]");
    JsonNode containers = result.at("/spec/template/spec/containers");
    assertThat(containers.get(0).path("name").asString()).isEqualTo("sidecar");
    assertThat(containers.get(0).path("image").asString()).isEqualTo("proxy:2");
    assertThat(containers.get(1).path("name").asString()).isEqualTo("app");
  }

  @Test
  void mergesServicePortsOnTheirPort() {
    ObjectNode service =
        object(
            """
            {"kind":"Service","metadata":{"name":"web"},"spec":{"clusterIP":"10.96.0.9",
             "ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":8443}]}}""");
    ObjectNode result =
        (ObjectNode)
            Patches.apply(
                Patches.STRATEGIC_MERGE_PATCH,
                json.readTree("{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":9090}]}}"),
                service,
                SERVICES,
                "web");

    assertThat(result.at("/spec/ports").toString())
        .isEqualTo("[{\"port\":80,\"targetPort\":9090},{\"port\":443,\"targetPort\":8443}]");
    assertThat(result.at("/spec/clusterIP").asString()).isEqualTo("10.96.0.9");
  }

  @Test
  void refusesWhatKubeApiserverRefuses() {
    assertThatThrownBy(
            () ->
                patch(
                    DEPLOYMENTS,
                    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}}}"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("has no name");
    assertThatThrownBy(() -> patch(DEPLOYMENTS, "{\"spec\":{\"$deleteEverything\":true}}"))
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(422));
    assertThatThrownBy(
            () ->
                Patches.apply(
                    Patches.STRATEGIC_MERGE_PATCH,
                    json.readTree("{\"spec\":{}}"),
                    web,
                    ResourceType.of("example.com", "v1", "widgets", true),
                    "w"))
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(415));
  }

  @Test
  void leavesTheTargetAsItWas() {
    String before = web.toString();
    patch(DEPLOYMENTS, "{\"spec\":{\"replicas\":5}}");
    assertThat(web.toString()).isEqualTo(before);
  }

  private ObjectNode patch(ResourceType type, String patch) {
    return Patches.apply(Patches.STRATEGIC_MERGE_PATCH, json.readTree(patch), web, type, "web");
  }

  private ObjectNode object(String text) {
    return (ObjectNode) json.readTree(text);
  }

  @Test
  void anApplyRemovesWhatItsManagerNoLongerAppliesAndKeepsWhatOthersSet() {
    ObjectNode before =
        object(
            """
            {"metadata":{"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["a","b"]},
             "spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
              "template":{"spec":{"containers":[{"name":"web","image":"web:1",
               "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
               {"name":"sidecar","image":"proxy:1"}]}}}}""");
    ObjectNode now =
        object(
            """
            {"metadata":{"name":"web","labels":{"app":"web"},"finalizers":["a"]},
             "spec":{"strategy":{"type":"Recreate"},
              "template":{"spec":{"containers":[{"name":"web","image":"web:2",
               "env":[{"name":"A","value":"1"}]}]}}}}""");
    // what the live object holds: the previous apply, plus a label and replicas set by others
    ObjectNode live = StrategicMerge.apply(before, web.deepCopy(), DEPLOYMENTS, "web");
    ((ObjectNode) live.path("metadata").path("labels")).put("owner", "ops");

    ObjectNode patch = StrategicMerge.applyPatch(before, now, DEPLOYMENTS);
    JsonNode result = StrategicMerge.apply(patch, live, DEPLOYMENTS, "web");

    assertThat(result.path("metadata").path("labels").toString())
        .isEqualTo("{\"app\":\"web\",\"owner\":\"ops\"}");
    assertThat(result.path("metadata").path("finalizers").toString()).isEqualTo("[\"a\"]");
    assertThat(result.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(result.path("spec").path("strategy").toString())
        .isEqualTo("{\"type\":\"Recreate\"}");
    JsonNode containers = result.path("spec").path("template").path("spec").path("containers");
    // the fixture's own container stays, the manager's sidecar goes, its container changes
    assertThat(containers.valueStream().map(c -> c.path("name").asString()))
        .containsExactly("app", "web");
    JsonNode webContainer = containers.get(1);
    assertThat(webContainer.path("image").asString()).isEqualTo("web:2");
    assertThat(webContainer.path("env").toString()).isEqualTo("[{\"name\":\"A\",\"value\":\"1\"}]");

    // a first apply deletes nothing
    assertThat(StrategicMerge.applyPatch(null, now, DEPLOYMENTS)).isEqualTo(now);
  }
}
