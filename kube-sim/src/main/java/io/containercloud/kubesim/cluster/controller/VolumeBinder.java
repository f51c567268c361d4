package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Optional;

/**
 * The storage a real cluster's provisioner and binder give claims, folded in: a new claim is {@code
 * Bound} at once with the capacity and access modes it asked for (no PersistentVolume object is
 * made). Pods wait for their claims to be Bound ({@link PodReferences}).
 */
final class VolumeBinder implements Controller {

  @Override
  public void reconcile(Round round) {
    for (PersistentVolumeClaim claim : round.caches().claims().list()) {
      if (claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase())) {
        PersistentVolumeClaim bound = round.api().copy(claim);
        Map<String, Quantity> requests =
            Optional.ofNullable(claim.getSpec().getResources())
                .map(r -> r.getRequests())
                .orElse(Map.of());
        bound.setStatus(
            new PersistentVolumeClaimStatusBuilder()
                .withPhase("Bound")
                .withAccessModes(claim.getSpec().getAccessModes())
                .withCapacity(requests)
                .build());
        round.write(() -> round.api().updateStatus(bound));
      }
    }
  }
}
