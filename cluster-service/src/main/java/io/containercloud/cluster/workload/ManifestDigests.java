package io.containercloud.cluster.workload;

import io.containercloud.cluster.workload.model.WorkloadSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The digest {@link Manifests} gives each set of inputs, remembered, so that an unchanged workload
 * is compared with what its clusters run without building its objects: building a Deployment and
 * digesting its spec on every reconcile was a tenth of the service's CPU with 750 workloads.
 */
final class ManifestDigests {

  /** Bounds memory; when full it starts over, costing only rebuilds. */
  static final int MAX_ENTRIES = 10_000;

  /** Everything a manifest is made of, besides the service's constant settings. */
  record Inputs(
      Class<? extends HasMetadata> kind,
      String tenant,
      String name,
      WorkloadSpec spec,
      String image,
      int replicas) {}

  private final Map<Inputs, String> digests = new ConcurrentHashMap<>();

  /**
   * What to write: null when {@code applied} (the digest the cluster's object carries, null when
   * there is no object) is what {@code inputs} give, else the object {@code build} makes.
   */
  <T extends HasMetadata> T changed(Inputs inputs, String applied, Supplier<T> build) {
    String known = digests.get(inputs);
    if (known != null && known.equals(applied)) {
      return null;
    }
    T built = build.get();
    String digest = Manifests.applied(built);
    if (digests.size() >= MAX_ENTRIES) {
      digests.clear();
    }
    digests.put(inputs, digest);
    return digest.equals(applied) ? null : built;
  }
}
