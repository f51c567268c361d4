package io.containercloud.kubesim.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controllers and kubelets of a real cluster would do, for what the platform uses, run
 * every tick against the cluster's own API (so everything it does is visible through the API):
 *
 * <ul>
 *   <li>Deployments get pods from their template (label {@code pod-template-hash}), bound to a
 *       Ready node where the requests fit and required pod anti-affinity holds (preferred
 *       anti-affinity and spreading decide among those); a pod that fits nowhere stays Pending.
 *       Rolling updates respect {@code maxSurge} and {@code maxUnavailable}; status counts
 *       replicas, updated, ready and available ones.
 *   <li>Pods get an IP when bound and turn Running and Ready after {@code pod-ready-delay}.
 *   <li>Services with a selector get Endpoints with the ready pods' IPs.
 * </ul>
 */
final class ClusterLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ClusterLifecycle.class);
  static final String TEMPLATE_HASH = "pod-template-hash";
  static final String OWNER = "kube-sim/deployment";
  static final String JOB = "kube-sim/job";

  private final KubernetesClient client;
  private final String cluster;
  private final int index;
  private final Duration readyDelay;
  private final Duration tick;
  private final Duration jobDuration;
  private final Clock clock = Clock.systemUTC();
  private final AtomicInteger addresses = new AtomicInteger();
  private final AtomicInteger names = new AtomicInteger();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  /** CPU use as a share of requests, by "namespace/deployment" or "namespace/*". */
  private final Map<String, Double> loads = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, Long> reportedMillis = new java.util.concurrent.ConcurrentHashMap<>();

  ClusterLifecycle(
      KubernetesClient client,
      String cluster,
      int index,
      Duration readyDelay,
      Duration tick,
      Duration jobDuration) {
    this.jobDuration = jobDuration;
    this.client = client;
    this.cluster = cluster;
    this.index = index;
    this.readyDelay = readyDelay;
    this.tick = tick;
  }

  void start() {
    loop.scheduleWithFixedDelay(this::safeRound, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop() {
    loop.shutdownNow();
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      log.debug("cluster {}: lifecycle round failed; next tick retries", cluster, e);
    }
  }

  /** One pass over the whole cluster. */
  void round() {
    List<Node> nodes = client.nodes().list().getItems();
    List<Pod> pods = new ArrayList<>(client.pods().inAnyNamespace().list().getItems());
    for (Deployment deployment : client.apps().deployments().inAnyNamespace().list().getItems()) {
      deployment(deployment, nodes, pods);
    }
    for (io.fabric8.kubernetes.api.model.batch.v1.Job job :
        client.batch().v1().jobs().inAnyNamespace().list().getItems()) {
      job(job, nodes, pods);
    }
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      kubelet(pod, nodes);
    }
    List<Pod> now = client.pods().inAnyNamespace().list().getItems();
    for (Service service : client.services().inAnyNamespace().list().getItems()) {
      endpoints(service, now);
    }
    metrics(now);
  }

  void load(String namespace, String deployment, double utilisation) {
    if (utilisation < 0 || utilisation > 10) {
      throw new IllegalArgumentException(
          "utilisation must be between 0 and 10 (times the request)");
    }
    loads.put(namespace + "/" + (deployment == null ? "*" : deployment), utilisation);
  }

  /** {@code metrics.k8s.io} pod metrics: each running pod uses its load share of its request. */
  private void metrics(List<Pod> pods) {
    for (Pod pod : pods) {
      if (!ready(pod)) {
        continue;
      }
      String namespace = pod.getMetadata().getNamespace();
      double share =
          loads.getOrDefault(
              namespace + "/" + label(pod, OWNER), loads.getOrDefault(namespace + "/*", 0.1));
      long millis = Math.round(requests(pod, "cpu", 1000) * share);
      String key = namespace + "/" + pod.getMetadata().getName();
      if (Objects.equals(reportedMillis.get(key), millis)) {
        continue;
      }
      var usage =
          new io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder()
              .withNewMetadata()
              .withName(pod.getMetadata().getName())
              .withNamespace(namespace)
              .withLabels(pod.getMetadata().getLabels())
              .endMetadata()
              .withTimestamp(clock.instant().toString())
              .withWindow(new io.fabric8.kubernetes.api.model.Duration(Duration.ofSeconds(15)))
              .withContainers(
                  pod.getSpec().getContainers().stream()
                      .map(
                          c ->
                              new io.fabric8.kubernetes.api.model.metrics.v1beta1
                                      .ContainerMetricsBuilder()
                                  .withName(c.getName())
                                  .addToUsage(
                                      "cpu",
                                      new Quantity(
                                          millis / pod.getSpec().getContainers().size() + "m"))
                                  .addToUsage(
                                      "memory", new Quantity(requests(pod, "memory", 1) / 2 + ""))
                                  .build())
                      .toList())
              .build();
      client
          .resources(io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics.class)
          .inNamespace(namespace)
          .resource(usage)
          .createOr(existing -> existing.update());
      reportedMillis.put(key, millis);
    }
  }

  // --- Deployments ---------------------------------------------------------------------------

  private void deployment(Deployment deployment, List<Node> nodes, List<Pod> pods) {
    String namespace = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    PodTemplateSpec template = deployment.getSpec().getTemplate();
    String hash = hash(template);
    int desired = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    List<Pod> owned =
        pods.stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .filter(p -> name.equals(label(p, OWNER)))
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    List<Pod> current = owned.stream().filter(p -> hash.equals(label(p, TEMPLATE_HASH))).toList();
    List<Pod> old = owned.stream().filter(p -> !hash.equals(label(p, TEMPLATE_HASH))).toList();
    int surge = surge(deployment, desired);
    int unavailable = unavailable(deployment, desired);
    int minAvailable = Math.max(0, desired - unavailable);

    List<Pod> created = new ArrayList<>();
    int room = desired + surge - owned.size();
    for (int i = current.size(); i < desired && room > 0; i++, room--) {
      Pod pod = newPod(deployment, template, hash, nodes, pods);
      created.add(client.pods().inNamespace(namespace).resource(pod).create());
      pods.add(pod);
    }
    // more new pods than wanted (scaled down): the not-ready and newest go first
    List<Pod> extra = byRemovalOrder(current);
    for (int i = 0; i < current.size() - desired; i++) {
      delete(extra.get(i));
    }
    // old pods go while enough pods stay available
    long ready = owned.stream().filter(ClusterLifecycle::ready).count();
    for (Pod pod : byRemovalOrder(old)) {
      if (!ready(pod) || ready - 1 >= minAvailable) {
        delete(pod);
        ready -= ready(pod) ? 1 : 0;
      }
    }
    List<Pod> kept = new ArrayList<>(owned);
    kept.addAll(created);
    int readyAll = (int) kept.stream().filter(ClusterLifecycle::ready).count();
    var status =
        new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .withReplicas(Math.min(kept.size(), desired + surge))
            .withUpdatedReplicas(current.size() + created.size())
            .withReadyReplicas(readyAll)
            .withAvailableReplicas(readyAll)
            .withUnavailableReplicas(Math.max(0, desired - readyAll))
            .build();
    if (!status.equals(deployment.getStatus())) { // no write, no watch event, when nothing changed
      client
          .apps()
          .deployments()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(
              d -> {
                d.setStatus(status);
                return d;
              });
    }
  }

  private Pod newPod(
      Deployment deployment,
      PodTemplateSpec template,
      String hash,
      List<Node> nodes,
      List<Pod> pods) {
    return newPod(
        deployment,
        "apps/v1",
        template,
        deployment.getMetadata().getName() + "-" + hash,
        Map.of(TEMPLATE_HASH, hash, OWNER, deployment.getMetadata().getName()),
        nodes,
        pods);
  }

  /** A pod of {@code owner} from its template, bound to a node where it fits (or Pending). */
  private Pod newPod(
      io.fabric8.kubernetes.api.model.HasMetadata owner,
      String apiVersion,
      PodTemplateSpec template,
      String namePrefix,
      Map<String, String> ownerLabels,
      List<Node> nodes,
      List<Pod> pods) {
    String name = namePrefix + "-" + Integer.toString(names.incrementAndGet(), 36);
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.putAll(ownerLabels);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(owner.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(apiVersion)
                    .withKind(owner.getKind())
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .withController(true)
                    .build())
            .endMetadata()
            .withSpec(Serialization.clone(template.getSpec()))
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    Optional<Node> node = schedule(pod, nodes, pods);
    if (node.isEmpty()) {
      pod.getStatus().setConditions(List.of(condition("PodScheduled", "False", "Unschedulable")));
      return pod;
    }
    pod.getSpec().setNodeName(node.get().getMetadata().getName());
    int n = addresses.incrementAndGet();
    pod.getStatus().setPodIP("10." + (100 + index) + "." + (n / 250) + "." + (n % 250 + 1));
    pod.getStatus().setHostIP("192.168." + index + "." + (nodes.indexOf(node.get()) + 1));
    pod.getStatus().setStartTime(clock.instant().toString());
    pod.getStatus().setConditions(List.of(condition("PodScheduled", "True", null)));
    return pod;
  }

  // --- Jobs ---------------------------------------------------------------------------------

  /**
   * A Job gets one pod; once it has run for {@code kube-sim/duration} (annotation, else the
   * configured default) it ends as {@code kube-sim/outcome} says ({@code Succeeded} by default).
   */
  private void job(
      io.fabric8.kubernetes.api.model.batch.v1.Job job, List<Node> nodes, List<Pod> pods) {
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    if (job.getStatus() != null
        && (job.getStatus().getCompletionTime() != null
            || Optional.ofNullable(job.getStatus().getFailed()).orElse(0) > 0)) {
      return; // finished
    }
    Optional<Pod> existing =
        pods.stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .filter(p -> name.equals(label(p, JOB)))
            .findFirst();
    if (existing.isEmpty()) {
      Pod pod =
          newPod(
              job,
              "batch/v1",
              job.getSpec().getTemplate(),
              name,
              Map.of(JOB, name, "job-name", name),
              nodes,
              pods);
      client.pods().inNamespace(namespace).resource(pod).create();
      pods.add(pod);
      editJob(job, 1, 0, 0);
      return;
    }
    Pod pod = existing.get();
    Instant started =
        Optional.ofNullable(pod.getStatus().getStartTime()).map(Instant::parse).orElse(null);
    if (!ready(pod) || started == null || clock.instant().isBefore(started.plus(duration(job)))) {
      return;
    }
    boolean succeeded =
        !"Failed".equalsIgnoreCase(annotation(job, "kube-sim/outcome").orElse("Succeeded"));
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.getStatus().setPhase(succeeded ? "Succeeded" : "Failed");
              p.getStatus()
                  .setConditions(
                      List.of(
                          condition("PodScheduled", "True", null),
                          condition("Ready", "False", succeeded ? "PodCompleted" : "PodFailed")));
              p.getStatus()
                  .getContainerStatuses()
                  .forEach(
                      c -> {
                        c.setReady(false);
                        c.setState(
                            new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                                .withNewTerminated()
                                .withExitCode(succeeded ? 0 : 1)
                                .withReason(succeeded ? "Completed" : "Error")
                                .withFinishedAt(clock.instant().toString())
                                .endTerminated()
                                .build());
                      });
              return p;
            });
    editJob(job, 0, succeeded ? 1 : 0, succeeded ? 0 : 1);
  }

  private void editJob(
      io.fabric8.kubernetes.api.model.batch.v1.Job job, int active, int succeeded, int failed) {
    Instant now = clock.instant();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .editStatus(
            j -> {
              var status =
                  new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                      .withStartTime(
                          j.getStatus() != null && j.getStatus().getStartTime() != null
                              ? j.getStatus().getStartTime()
                              : now.toString())
                      .withActive(active)
                      .withSucceeded(succeeded)
                      .withFailed(failed);
              if (succeeded > 0) {
                status
                    .withCompletionTime(now.toString())
                    .addNewCondition()
                    .withType("Complete")
                    .withStatus("True")
                    .endCondition();
              } else if (failed > 0) {
                status
                    .addNewCondition()
                    .withType("Failed")
                    .withStatus("True")
                    .withReason("BackoffLimitExceeded")
                    .endCondition();
              }
              j.setStatus(status.build());
              return j;
            });
  }

  private Duration duration(io.fabric8.kubernetes.api.model.batch.v1.Job job) {
    return annotation(job, "kube-sim/duration")
        .map(org.springframework.boot.convert.DurationStyle::detectAndParse)
        .orElse(jobDuration);
  }

  private static Optional<String> annotation(
      io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(key));
  }

  // --- scheduling ---------------------------------------------------------------------------

  /** The Ready node where the pod fits and required anti-affinity holds, best spread first. */
  Optional<Node> schedule(Pod pod, List<Node> nodes, List<Pod> pods) {
    long cpu = requests(pod, "cpu", 1000);
    long memory = requests(pod, "memory", 1);
    return nodes.stream()
        .filter(ClusterLifecycle::nodeReady)
        .filter(node -> fits(node, pods, cpu, memory))
        .filter(node -> !violatesRequired(pod, node, pods))
        .min(
            Comparator.comparingLong((Node node) -> preferredConflicts(pod, node, pods))
                .thenComparingLong(node -> podsOn(node, pods).count())
                .thenComparing(node -> node.getMetadata().getName()));
  }

  private static boolean fits(Node node, List<Pod> pods, long cpu, long memory) {
    Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
    long usedCpu = podsOn(node, pods).mapToLong(p -> requests(p, "cpu", 1000)).sum();
    long usedMemory = podsOn(node, pods).mapToLong(p -> requests(p, "memory", 1)).sum();
    long count = podsOn(node, pods).count();
    return usedCpu + cpu <= amount(allocatable.get("cpu"), 1000)
        && usedMemory + memory <= amount(allocatable.get("memory"), 1)
        && count + 1 <= amount(allocatable.get("pods"), 1);
  }

  private static boolean violatesRequired(Pod pod, Node node, List<Pod> pods) {
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null || affinity.getPodAntiAffinity() == null) {
      return false;
    }
    List<PodAffinityTerm> terms =
        affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    return terms != null && terms.stream().anyMatch(t -> matchesOn(t, pod, node, pods));
  }

  private static long preferredConflicts(Pod pod, Node node, List<Pod> pods) {
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null || affinity.getPodAntiAffinity() == null) {
      return 0;
    }
    List<WeightedPodAffinityTerm> terms =
        affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    if (terms == null) {
      return 0;
    }
    return terms.stream()
        .filter(t -> matchesOn(t.getPodAffinityTerm(), pod, node, pods))
        .mapToLong(t -> Optional.ofNullable(t.getWeight()).orElse(1))
        .sum();
  }

  /** Whether a pod matching the term's selector runs on this node (topology: the host). */
  private static boolean matchesOn(PodAffinityTerm term, Pod pod, Node node, List<Pod> pods) {
    String namespace = pod.getMetadata().getNamespace();
    return podsOn(node, pods)
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .anyMatch(p -> selects(term.getLabelSelector(), p.getMetadata().getLabels()));
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null || labels == null) {
      return false;
    }
    Map<String, String> match = selector.getMatchLabels();
    return match != null
        && !match.isEmpty()
        && match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static java.util.stream.Stream<Pod> podsOn(Node node, List<Pod> pods) {
    String name = node.getMetadata().getName();
    return pods.stream()
        .filter(p -> p.getSpec() != null && name.equals(p.getSpec().getNodeName()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !terminal(p));
  }

  // --- kubelet ------------------------------------------------------------------------------

  /** A bound pod on a Ready node turns Running and Ready after the delay. */
  private void kubelet(Pod pod, List<Node> nodes) {
    if (pod.getSpec() == null || pod.getSpec().getNodeName() == null || terminal(pod)) {
      return;
    }
    String nodeName = pod.getSpec().getNodeName();
    boolean nodeReady =
        nodes.stream().anyMatch(n -> n.getMetadata().getName().equals(nodeName) && nodeReady(n));
    if (ready(pod)) {
      if (!nodeReady) { // its node failed: the pod stops being Ready (and leaves its Endpoints)
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .editStatus(
                p -> {
                  p.getStatus().getConditions().stream()
                      .filter(c -> "Ready".equals(c.getType()))
                      .forEach(c -> c.setStatus("False"));
                  return p;
                });
      }
      return;
    }
    Instant started =
        Optional.ofNullable(pod.getStatus().getStartTime())
            .map(Instant::parse)
            .orElse(Instant.EPOCH);
    if (!nodeReady || clock.instant().isBefore(started.plus(readyDelay))) {
      return;
    }
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.getStatus().setPhase("Running");
              p.getStatus()
                  .setConditions(
                      List.of(
                          condition("PodScheduled", "True", null),
                          condition("Initialized", "True", null),
                          condition("ContainersReady", "True", null),
                          condition("Ready", "True", null)));
              p.getStatus()
                  .setContainerStatuses(
                      p.getSpec().getContainers().stream()
                          .map(
                              c ->
                                  new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                                      .withName(c.getName())
                                      .withImage(c.getImage())
                                      .withReady(true)
                                      .withStarted(true)
                                      .withRestartCount(0)
                                      .withNewState()
                                      .withNewRunning()
                                      .withStartedAt(clock.instant().toString())
                                      .endRunning()
                                      .endState()
                                      .build())
                          .toList());
              return p;
            });
  }

  // --- Services -----------------------------------------------------------------------------

  private void endpoints(Service service, List<Pod> pods) {
    Map<String, String> selector = service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return;
    }
    String namespace = service.getMetadata().getNamespace();
    List<Pod> ready =
        pods.stream()
            .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
            .filter(ClusterLifecycle::ready)
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .filter(
                p ->
                    p.getMetadata().getLabels() != null
                        && selector.entrySet().stream()
                            .allMatch(
                                e ->
                                    e.getValue()
                                        .equals(p.getMetadata().getLabels().get(e.getKey()))))
            .sorted(Comparator.comparing(p -> p.getStatus().getPodIP()))
            .toList();
    EndpointSubsetBuilder subset = new EndpointSubsetBuilder();
    for (Pod pod : ready) {
      subset.addToAddresses(
          new EndpointAddressBuilder()
              .withIp(pod.getStatus().getPodIP())
              .withNodeName(pod.getSpec().getNodeName())
              .withNewTargetRef()
              .withKind("Pod")
              .withName(pod.getMetadata().getName())
              .withNamespace(namespace)
              .endTargetRef()
              .build());
    }
    for (ServicePort port : service.getSpec().getPorts()) {
      IntOrString target = port.getTargetPort();
      int number =
          target != null && target.getIntVal() != null ? target.getIntVal() : port.getPort();
      subset.addToPorts(
          new EndpointPortBuilder()
              .withName(port.getName())
              .withPort(number)
              .withProtocol(Optional.ofNullable(port.getProtocol()).orElse("TCP"))
              .build());
    }
    Endpoints wanted =
        new EndpointsBuilder()
            .withNewMetadata()
            .withName(service.getMetadata().getName())
            .withNamespace(namespace)
            .withLabels(Map.of("kube-sim/service", service.getMetadata().getName()))
            .endMetadata()
            .withSubsets(ready.isEmpty() ? List.of() : List.of(subset.build()))
            .build();
    Endpoints current =
        client.endpoints().inNamespace(namespace).withName(service.getMetadata().getName()).get();
    if (current == null) {
      client.endpoints().inNamespace(namespace).resource(wanted).create();
    } else if (!Objects.equals(current.getSubsets(), wanted.getSubsets())) {
      current.setSubsets(wanted.getSubsets());
      client.endpoints().inNamespace(namespace).resource(current).update();
    }
    endpointSlice(service, ready, wanted);
  }

  /** The same addresses as a discovery.k8s.io/v1 EndpointSlice, as newer consumers read them. */
  private void endpointSlice(Service service, List<Pod> ready, Endpoints endpoints) {
    String namespace = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName() + "-kube-sim";
    var slice =
        new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels("kubernetes.io/service-name", service.getMetadata().getName())
            .endMetadata()
            .withAddressType("IPv4")
            .withEndpoints(
                ready.stream()
                    .map(
                        pod ->
                            new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder()
                                .withAddresses(pod.getStatus().getPodIP())
                                .withNodeName(pod.getSpec().getNodeName())
                                .withNewConditions()
                                .withReady(true)
                                .withServing(true)
                                .withTerminating(false)
                                .endConditions()
                                .withNewTargetRef()
                                .withKind("Pod")
                                .withName(pod.getMetadata().getName())
                                .withNamespace(namespace)
                                .endTargetRef()
                                .build())
                    .toList())
            .withPorts(
                endpoints.getSubsets().isEmpty()
                    ? List.of()
                    : endpoints.getSubsets().get(0).getPorts().stream()
                        .map(
                            p ->
                                new io.fabric8.kubernetes.api.model.discovery.v1
                                        .EndpointPortBuilder()
                                    .withName(p.getName())
                                    .withPort(p.getPort())
                                    .withProtocol(p.getProtocol())
                                    .build())
                        .toList())
            .build();
    var slices = client.discovery().v1().endpointSlices().inNamespace(namespace);
    var current = slices.withName(name).get();
    if (current == null) {
      slices.resource(slice).create();
    } else if (!Objects.equals(current.getEndpoints(), slice.getEndpoints())
        || !Objects.equals(current.getPorts(), slice.getPorts())) {
      current.setEndpoints(slice.getEndpoints());
      current.setPorts(slice.getPorts());
      slices.resource(current).update();
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private void delete(Pod pod) {
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).delete();
    } catch (KubernetesClientException e) {
      log.debug("pod {} already gone", pod.getMetadata().getName(), e);
    }
  }

  /** Not-ready first, then the newest. */
  private static List<Pod> byRemovalOrder(List<Pod> pods) {
    return pods.stream()
        .sorted(
            Comparator.comparing(ClusterLifecycle::ready)
                .thenComparing(
                    (Pod p) -> Optional.ofNullable(p.getStatus().getStartTime()).orElse(""),
                    Comparator.reverseOrder()))
        .toList();
  }

  private static boolean terminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static boolean nodeReady(Node node) {
    List<NodeCondition> conditions = node.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String label(Pod pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  private static PodCondition condition(String type, String status, String reason) {
    PodCondition condition = new PodCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setReason(reason);
    return condition;
  }

  /** The pod's total request of a resource, in milli-units (cpu) or units (memory). */
  static long requests(Pod pod, String resource, int scale) {
    long sum = 0;
    for (Container container : pod.getSpec().getContainers()) {
      if (container.getResources() != null && container.getResources().getRequests() != null) {
        Quantity q = container.getResources().getRequests().get(resource);
        sum += q == null ? 0 : amount(q, scale);
      }
    }
    return sum;
  }

  private static long amount(Quantity quantity, int scale) {
    if (quantity == null) {
      return 0;
    }
    BigDecimal value = Quantity.getAmountInBytes(quantity);
    return value.multiply(BigDecimal.valueOf(scale)).longValue();
  }

  private static int surge(Deployment deployment, int desired) {
    RollingUpdateDeployment rolling = rolling(deployment);
    return rolling == null
        ? (int) Math.ceil(desired * 0.25)
        : scaled(rolling.getMaxSurge(), desired, true);
  }

  private static int unavailable(Deployment deployment, int desired) {
    RollingUpdateDeployment rolling = rolling(deployment);
    return rolling == null
        ? (int) Math.floor(desired * 0.25)
        : scaled(rolling.getMaxUnavailable(), desired, false);
  }

  private static RollingUpdateDeployment rolling(Deployment deployment) {
    var strategy = deployment.getSpec().getStrategy();
    return strategy == null ? null : strategy.getRollingUpdate();
  }

  /** An int or a percentage of the replicas (surge rounds up, unavailability down). */
  private static int scaled(IntOrString value, int desired, boolean up) {
    if (value == null) {
      return up ? (int) Math.ceil(desired * 0.25) : (int) Math.floor(desired * 0.25);
    }
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    double share = Double.parseDouble(value.getStrVal().replace("%", "")) / 100.0;
    return up ? (int) Math.ceil(desired * share) : (int) Math.floor(desired * share);
  }

  private static String hash(PodTemplateSpec template) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
