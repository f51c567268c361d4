package io.containercloud.cluster.registry;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cluster registry: platform admins register and remove clusters; everyone signed in sees them
 * with their health and capacity. Credentials go in once and never come out.
 */
@RestController
class ClusterResource {

  private static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  private static final String LABEL_MESSAGE = "must be a lowercase RFC 1123 label";

  private final ClusterRepository clusters;
  private final CredentialCipher cipher;
  private final ClusterClients clients;
  private final ClusterProber prober;
  private final ClusterStates states;
  private final ClusterUsage usage;

  ClusterResource(
      ClusterRepository clusters,
      CredentialCipher cipher,
      ClusterClients clients,
      ClusterProber prober,
      ClusterStates states,
      ClusterUsage usage) {
    this.clusters = clusters;
    this.cipher = cipher;
    this.clients = clients;
    this.prober = prober;
    this.states = states;
    this.usage = usage;
  }

  record Registration(
      @NotNull @Pattern(regexp = LABEL, message = LABEL_MESSAGE) String name,
      @NotNull @Pattern(regexp = LABEL, message = LABEL_MESSAGE) String machineRoom,
      @Size(max = 32)
          Map<
                  @Pattern(
                      regexp = "([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?",
                      message = "must be a Kubernetes label key")
                  String,
                  @NotNull
                  @Pattern(
                      regexp = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?",
                      message = "must be a Kubernetes label value")
                  String>
              labels,
      @NotBlank @Size(max = 65_536) String kubeconfig) {}

  /** A cluster as the API shows it: never its credentials. */
  record ClusterView(
      String name,
      String machineRoom,
      Map<String, String> labels,
      String apiServer,
      Instant registeredAt,
      ClusterHealth health,
      ClusterStates.Failed failedOver) {}

  @PostMapping("/clusters")
  ResponseEntity<ClusterView> register(@Valid @RequestBody Registration registration) {
    requireAdmin();
    requireServer(registration.kubeconfig());
    Map<String, String> labels = registration.labels() == null ? Map.of() : registration.labels();
    byte[] sealed = cipher.encrypt(registration.name(), registration.kubeconfig());
    if (!clusters.insert(registration.name(), registration.machineRoom(), labels, sealed)) {
      throw ProblemException.conflict(
          "cluster-exists", "Cluster '" + registration.name() + "' is registered already.");
    }
    clients.forget(registration.name()); // nothing cached from an earlier cluster of that name
    prober.forget(registration.name());
    prober.probeSoon(registration.name());
    return ResponseEntity.created(URI.create("/clusters/" + registration.name()))
        .body(view(clusters.find(registration.name()).orElseThrow()));
  }

  @GetMapping("/clusters")
  List<ClusterView> list() {
    return clusters.findAll().stream().map(this::view).toList();
  }

  @GetMapping("/clusters/{name}")
  ClusterView get(@PathVariable String name) {
    return view(find(name));
  }

  @DeleteMapping("/clusters/{name}")
  ResponseEntity<Void> remove(@PathVariable String name) {
    requireAdmin();
    find(name);
    int workloads = usage.workloadsOn(name);
    if (workloads > 0) {
      throw ProblemException.conflict(
          "cluster-in-use",
          "Cluster '"
              + name
              + "' still runs "
              + workloads
              + " workloads; move or delete them first.");
    }
    clusters.delete(name);
    states.forget(name);
    clients.forget(name);
    prober.forget(name);
    return ResponseEntity.noContent().build();
  }

  /** The kubeconfig's current context must name a cluster with an API server. */
  private static void requireServer(String kubeconfig) {
    io.fabric8.kubernetes.api.model.Config parsed;
    try {
      parsed = KubeConfigUtils.parseConfigFromString(kubeconfig);
    } catch (RuntimeException e) {
      throw ProblemException.invalid(
          "kubeconfig", "is not a kubeconfig (YAML with clusters, users, contexts)");
    }
    String current = parsed == null ? null : parsed.getCurrentContext();
    String cluster =
        parsed == null || parsed.getContexts() == null
            ? null
            : parsed.getContexts().stream()
                .filter(c -> c.getName() != null && c.getName().equals(current))
                .map(c -> c.getContext() == null ? null : c.getContext().getCluster())
                .findFirst()
                .orElse(null);
    boolean served =
        cluster != null
            && parsed.getClusters() != null
            && parsed.getClusters().stream()
                .anyMatch(
                    c ->
                        cluster.equals(c.getName())
                            && c.getCluster() != null
                            && c.getCluster().getServer() != null
                            && !c.getCluster().getServer().isBlank());
    if (!served) {
      throw ProblemException.invalid(
          "kubeconfig", "has no current context naming a cluster with an API server");
    }
  }

  private RegisteredCluster find(String name) {
    return clusters.find(name).orElseThrow(() -> ProblemException.notFound("cluster", name));
  }

  private ClusterView view(RegisteredCluster cluster) {
    String server;
    try {
      server = clients.client(cluster.name()).getMasterUrl().toString();
    } catch (RuntimeException e) {
      server = null; // credentials that do not decrypt: the health says why
    }
    return new ClusterView(
        cluster.name(),
        cluster.machineRoom(),
        cluster.labels(),
        server,
        cluster.createdAt(),
        prober.health(cluster.name()),
        states.find(cluster.name()).orElse(null));
  }

  private static void requireAdmin() {
    if (!Caller.current().has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden("Registering clusters needs the platform-admin role.");
    }
  }
}
