package io.containercloud.orchestrator.operation.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.orchestrator.application.model.AppService;
import io.containercloud.orchestrator.workload.Autoscale;
import io.containercloud.orchestrator.workload.WorkloadResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ChangeTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final AppService API =
      new AppService(
          "api", "r/acme/api:2", 3, null, JSON.createObjectNode(), List.of(), null, null);

  private static WorkloadResponse live(
      String image, int replicas, Autoscale autoscale, String app) {
    return new WorkloadResponse(
        "acme",
        "shop-api",
        image,
        replicas,
        autoscale,
        "ACTIVE",
        7,
        JSON.createObjectNode().put("application", app),
        List.of());
  }

  @Test
  void aMissingWorkloadIsDeployedAndAStoppedOneScaledBackAfterItsImage() {
    assertThat(Change.next(StepAction.START, "shop", API, null)).isEqualTo(new Change.Deploy());
    assertThat(Change.next(StepAction.START, "shop", API, live("r/acme/api:1", 0, null, "shop")))
        .isEqualTo(new Change.SetImage("r/acme/api:2"));
    assertThat(Change.next(StepAction.START, "shop", API, live("r/acme/api:2", 0, null, "shop")))
        .isEqualTo(new Change.SetReplicas(3));
    assertThat(Change.next(StepAction.UPGRADE, "shop", API, live("r/acme/api:2", 3, null, "shop")))
        .isEqualTo(new Change.None());
  }

  @Test
  void aSpecThatOnlyLeftDefaultsOutIsNoChangeAndAnotherEnvIs() {
    AppService withSpec =
        new AppService(
            "api",
            "r/acme/api:2",
            3,
            null,
            (tools.jackson.databind.node.ObjectNode)
                JSON.readTree(
                    "{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"},"
                        + "\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}},"
                        + "\"ports\":[{\"name\":\"http\",\"port\":8080}],\"env\":{\"A\":\"1\"}}"),
            null,
            null,
            null);
    WorkloadResponse held =
        new WorkloadResponse(
            "acme",
            "shop-api",
            "r/acme/api:2",
            3,
            null,
            "ACTIVE",
            7,
            JSON.readTree(
                "{\"application\":\"shop\",\"resources\":{\"requests\":{\"cpu\":\"100m\","
                    + "\"memory\":\"64Mi\"},\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"},"
                    + "\"ephemeralStorage\":null},\"ports\":[{\"name\":\"http\",\"port\":8080,"
                    + "\"protocol\":\"TCP\"}],\"env\":{\"A\":\"1\"},\"readiness\":null,"
                    + "\"liveness\":null,\"clusters\":[],\"jvmOptions\":true,"
                    + "\"dnsPolicy\":\"Default\",\"follow\":null}"),
            List.of());

    assertThat(Change.next(StepAction.UPGRADE, "shop", withSpec, held))
        .isEqualTo(new Change.None());

    withSpec.spec().putObject("env").put("A", "2");
    Change change = Change.next(StepAction.UPGRADE, "shop", withSpec, held);
    assertThat(change).isInstanceOf(Change.SetSpec.class);
    assertThat(((Change.SetSpec) change).spec().get("application").asString()).isEqualTo("shop");
  }

  @Test
  void autoscalingIsSetOrStoppedToMatchTheDefinition() {
    Autoscale autoscale = new Autoscale(2, 6, 60);
    AppService scaled =
        new AppService(
            "api", "r/acme/api:2", null, autoscale, JSON.createObjectNode(), null, null, null);
    assertThat(
            Change.next(StepAction.UPGRADE, "shop", scaled, live("r/acme/api:2", 3, null, "shop")))
        .isEqualTo(new Change.SetAutoscale(autoscale));
    assertThat(
            Change.next(
                StepAction.UPGRADE, "shop", API, live("r/acme/api:2", 3, autoscale, "shop")))
        .isEqualTo(new Change.StopAutoscale());
  }

  @Test
  void stopStopsAutoscalingThenScalesToZeroAndDeleteDeletes() {
    Autoscale autoscale = new Autoscale(2, 6, 60);
    assertThat(Change.next(StepAction.STOP, "shop", API, live("x", 3, autoscale, "shop")))
        .isEqualTo(new Change.StopAutoscale());
    assertThat(Change.next(StepAction.STOP, "shop", API, live("x", 3, null, "shop")))
        .isEqualTo(new Change.SetReplicas(0));
    assertThat(Change.next(StepAction.STOP, "shop", API, live("x", 0, null, "shop")))
        .isEqualTo(new Change.None());
    assertThat(Change.next(StepAction.STOP, "shop", API, null)).isEqualTo(new Change.None());
    assertThat(Change.next(StepAction.DELETE, "shop", API, live("x", 3, null, "shop")))
        .isEqualTo(new Change.Delete());
    assertThat(Change.next(StepAction.DELETE, "shop", API, null)).isEqualTo(new Change.None());
  }

  @Test
  void anotherApplicationsWorkloadIsNeverTouched() {
    assertThat(Change.next(StepAction.START, "shop", API, live("x", 3, null, "billing")))
        .isInstanceOf(Change.Refuse.class);
    assertThat(Change.next(StepAction.DELETE, "shop", API, live("x", 3, null, "billing")))
        .isInstanceOf(Change.Refuse.class);
  }
}
