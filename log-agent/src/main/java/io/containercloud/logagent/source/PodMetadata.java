package io.containercloud.logagent.source;

import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The pods of this node, from the API server through an informer (listed once, then watched; it
 * reconnects by itself), kept by uid. A deleted pod is remembered for a while, so the files it
 * leaves behind still ship under its tenant.
 *
 * <p>A file whose pod is unknown waits: while the informer has not listed the pods yet (the API
 * server unreachable) for as long as it takes, since a guess would put a tenant's lines where the
 * tenant cannot see them; once listed, for {@code metadata-wait}, after which the pod was deleted
 * before this agent could see it and its lines ship under {@code _unassigned} (admins see them), as
 * do the lines of a pod without a valid tenant label.
 */
public final class PodMetadata implements AutoCloseable {

  private static final Duration REMEMBER_DELETED = Duration.ofMinutes(30);

  /** A tenant is a DNS label; any other label value would reach into other tenants' indices. */
  private static final Pattern TENANT = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final SourceProperties properties;
  private final Clock clock;
  private final SharedIndexInformer<Pod> informer;
  private final Map<String, Pod> deleted = new ConcurrentHashMap<>();
  private final Map<String, Instant> deletedAt = new ConcurrentHashMap<>();

  public PodMetadata(KubernetesClient client, SourceProperties properties, Clock clock) {
    this.properties = properties;
    this.clock = clock;
    this.informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", properties.node())
            .runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {}

          @Override
          public void onUpdate(Pod old, Pod pod) {}

          @Override
          public void onDelete(Pod pod, boolean unknownFinalState) {
            deleted.put(pod.getMetadata().getUid(), pod);
            deletedAt.put(pod.getMetadata().getUid(), clock.instant());
          }
        });
    informer.start();
  }

  /**
   * Who wrote {@code container}'s log, or empty while that is not known yet and the file should
   * wait; {@code since} is when the file was found.
   */
  public Optional<ContainerMetadata> find(ContainerRef container, Instant since) {
    forgetOldDeletions();
    Optional<Pod> pod =
        informer.getStore().list().stream()
            .filter(p -> container.uid().equals(p.getMetadata().getUid()))
            .findFirst()
            .or(() -> Optional.ofNullable(deleted.get(container.uid())));
    if (pod.isPresent()) {
      return Optional.of(of(pod.get(), container.container()));
    }
    if (!informer.hasSynced() || clock.instant().isBefore(since.plus(properties.metadataWait()))) {
      return Optional.empty();
    }
    return Optional.of(
        new ContainerMetadata(
            ContainerLogIndex.UNASSIGNED,
            null,
            null,
            properties.cluster(),
            properties.node(),
            container.namespace(),
            container.pod(),
            container.container()));
  }

  private ContainerMetadata of(Pod pod, String container) {
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    String tenant = labels.get(properties.labels().tenant());
    return new ContainerMetadata(
        tenant == null || !TENANT.matcher(tenant).matches() ? ContainerLogIndex.UNASSIGNED : tenant,
        labels.get(properties.labels().app()),
        labels.get(properties.labels().service()),
        properties.cluster(),
        properties.node(),
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        container);
  }

  private void forgetOldDeletions() {
    Instant before = clock.instant().minus(REMEMBER_DELETED);
    deletedAt.entrySet().removeIf(e -> e.getValue().isBefore(before) && forget(e.getKey()));
  }

  private boolean forget(String uid) {
    deleted.remove(uid);
    return true;
  }

  @Override
  public void close() {
    informer.close();
  }
}
