package io.containercloud.kubesim.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAPI v3 documents, read as client-go's openapi3 root and kubectl's verifier read them. */
class OpenApiTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final OpenApi openApi = new OpenApi(json);

  @Test
  void theRootPointsAtADocumentPerGroupVersion() {
    JsonNode paths = read("/openapi/v3").path("paths");
    assertThat(paths.has("api/v1")).isTrue();
    assertThat(paths.has("apis/apps/v1")).isTrue();
    assertThat(paths.has("apis/metrics.k8s.io/v1beta1")).as("nothing to patch there").isFalse();
    String url = paths.path("apis/apps/v1").path("serverRelativeURL").asString();
    assertThat(url).startsWith("/openapi/v3/apis/apps/v1?hash=");
    assertThat(openApi.document(url.substring(0, url.indexOf('?')))).isPresent();
    assertThat(openApi.document("/openapi/v3/apis/example.com/v1")).isEmpty();
    assertThat(openApi.document("/openapi/v2")).isEmpty();
  }

  @Test
  void everyKindsPatchTakesFieldValidationAndNamesItsKind() {
    JsonNode apps = read("/openapi/v3/apis/apps/v1");
    assertThat(apps.path("openapi").asString()).startsWith("3.0");
    JsonNode patch =
        apps.path("paths")
            .path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
            .path("patch");
    assertThat(patch.path("x-kubernetes-group-version-kind").toString())
        .isEqualTo("{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}");
    assertThat(patch.path("parameters").toString())
        .contains("{\"name\":\"fieldValidation\",\"in\":\"query\"");
    assertThat(patch.has("requestBody"))
        .as("no patch schemas: kubectl computes patches from its own types")
        .isFalse();

    JsonNode core = read("/openapi/v3/api/v1");
    assertThat(core.path("paths").has("/api/v1/nodes/{name}")).as("cluster-scoped").isTrue();
    assertThat(
            core.path("paths")
                .path("/api/v1/namespaces/{namespace}/configmaps/{name}")
                .path("patch")
                .path("x-kubernetes-group-version-kind")
                .path("group")
                .asString())
        .isEmpty();
  }

  private JsonNode read(String path) {
    return json.readTree(openApi.document(path).orElseThrow());
  }
}
