package io.containercloud.kubesim.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodReferencesTest {

  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withName("api")
          .withNamespace("shop")
          .endMetadata()
          .withNewSpec()
          .addNewVolume()
          .withName("conf")
          .withNewConfigMap()
          .withName("settings")
          .endConfigMap()
          .endVolume()
          .addNewVolume()
          .withName("maybe")
          .withNewSecret()
          .withSecretName("extra")
          .withOptional(true)
          .endSecret()
          .endVolume()
          .addNewContainer()
          .withName("api")
          .addNewEnv()
          .withName("PASSWORD")
          .withNewValueFrom()
          .withNewSecretKeyRef()
          .withName("db")
          .withKey("password")
          .endSecretKeyRef()
          .endValueFrom()
          .endEnv()
          .addNewEnvFrom()
          .withNewConfigMapRef()
          .withName("env")
          .endConfigMapRef()
          .endEnvFrom()
          .endContainer()
          .endSpec()
          .build();

  @Test
  void namesEveryConfigMapSecretAndKeyThePodCannotStartWithout() {
    assertThat(
            PodReferences.missing(
                POD,
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.empty()))
        .containsExactlyInAnyOrder(
            "configmap \"settings\" not found",
            "secret \"db\" not found",
            "configmap \"env\" not found");

    Secret db = new SecretBuilder().addToData("user", "YQ==").build();
    assertThat(
            PodReferences.missing(
                POD,
                (ns, n) -> Optional.of(new ConfigMapBuilder().build()),
                (ns, n) -> n.equals("db") ? Optional.of(db) : Optional.empty(),
                (ns, n) -> Optional.empty()))
        .containsExactly("couldn't find key password in Secret shop/db");
  }

  @Test
  void waitsForItsClaimsToBeBound() {
    Pod withClaim =
        new PodBuilder(POD)
            .editSpec()
            .withVolumes()
            .addNewVolume()
            .withName("data")
            .withNewPersistentVolumeClaim()
            .withClaimName("data-db-0")
            .endPersistentVolumeClaim()
            .endVolume()
            .withContainers(new ContainerBuilder().withName("db").build())
            .endSpec()
            .build();
    PersistentVolumeClaim pending =
        new PersistentVolumeClaimBuilder().withNewStatus().withPhase("Pending").endStatus().build();
    PersistentVolumeClaim bound =
        new PersistentVolumeClaimBuilder().withNewStatus().withPhase("Bound").endStatus().build();

    assertThat(
            PodReferences.missing(
                withClaim,
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.empty()))
        .containsExactly("persistentvolumeclaim \"data-db-0\" not found");
    assertThat(
            PodReferences.missing(
                withClaim,
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.of(pending)))
        .containsExactly("persistentvolumeclaim \"data-db-0\" is not bound");
    assertThat(
            PodReferences.missing(
                withClaim,
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.empty(),
                (ns, n) -> Optional.of(bound)))
        .isEmpty();
  }

  @Test
  void startsWhenAllIsThereOptionalOnesAside() {
    ConfigMap any = new ConfigMapBuilder().withData(Map.of("a", "1")).build();
    Secret db = new SecretBuilder().addToData("password", "cA==").build();
    assertThat(
            PodReferences.missing(
                POD,
                (ns, n) -> ns.equals("shop") ? Optional.of(any) : Optional.empty(),
                (ns, n) -> n.equals("db") ? Optional.of(db) : Optional.empty(),
                (ns, n) -> Optional.empty()))
        .isEmpty();
  }
}
