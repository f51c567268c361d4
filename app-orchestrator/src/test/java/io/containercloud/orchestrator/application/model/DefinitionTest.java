package io.containercloud.orchestrator.application.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.error.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class DefinitionTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static AppService service(String name, String... dependsOn) {
    return new AppService(
        name, "r.example/shop/" + name + ":1", 2, null, spec(), List.of(dependsOn), null, null);
  }

  static ObjectNode spec() {
    return (ObjectNode)
        JSON.readTree(
            "{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"},"
                + "\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}");
  }

  @Test
  void aSoundDefinitionHasNoViolations() {
    Definition definition = new Definition("", List.of(service("db"), service("api", "db")));
    assertThat(definition.violations("acme", "shop")).isEmpty();
  }

  @Test
  void duplicateAndUnknownNamesAreNamedByField() {
    Definition definition =
        new Definition("", List.of(service("db"), service("db"), service("api", "db", "cache")));

    assertThat(definition.violations("acme", "shop"))
        .containsExactly(
            new FieldViolation("services[1].name", "is used twice"),
            new FieldViolation("services[2].dependsOn[1]", "names no service of the application"));
  }

  @Test
  void theWorkloadsApplicationAndFollowAreTheApplicationsToSet() {
    ObjectNode spec = spec();
    spec.put("application", "other");
    spec.putObject("follow").put("repository", "r/acme/x").put("tagPattern", "*");
    AppService service = new AppService("db", "r/acme/db:1", 1, null, spec, null, null, null);

    assertThat(new Definition("", List.of(service)).violations("acme", "shop"))
        .extracting(FieldViolation::field)
        .containsExactly("services[0].spec.application", "services[0].spec.follow");
  }

  @Test
  void aWorkloadNameBeyondALabelAndAnotherTenantsProjectAreRefused() {
    AppService longName = service("s".repeat(60));
    AppService follows =
        new AppService(
            "db",
            "r/acme/db:1",
            1,
            null,
            spec(),
            null,
            new Readiness(2, null),
            new Follow("registry.example/other/db", "v*"));

    assertThat(new Definition("", List.of(longName, follows)).violations("acme", "shop"))
        .extracting(FieldViolation::field)
        .containsExactly(
            "services[0].name", "services[1].readiness.minReady", "services[1].follow.repository");
  }

  @Test
  void followMatchesItsRepositoryAndTagGlob() {
    Follow follow = new Follow("registry.example/acme/api", "v1.*");
    assertThat(follow.matches("registry.example/acme/api", "v1.2")).isTrue();
    assertThat(follow.matches("registry.example/acme/api", "v2.0")).isFalse();
    assertThat(follow.matches("registry.example/acme/web", "v1.2")).isFalse();
    assertThat(follow.project()).isEqualTo("acme");
  }
}
