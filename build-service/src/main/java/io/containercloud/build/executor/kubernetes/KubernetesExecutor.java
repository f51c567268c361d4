package io.containercloud.build.executor.kubernetes;

import io.containercloud.build.configuration.model.ConfigurationSpec;
import io.containercloud.build.configuration.model.TagTemplate;
import io.containercloud.build.configuration.model.Toolchain;
import io.containercloud.build.executor.BuildContext;
import io.containercloud.build.executor.BuildExecutor;
import io.containercloud.build.executor.BuildFailure;
import io.containercloud.build.executor.BuildJob;
import io.containercloud.build.executor.BuildProperties;
import io.containercloud.build.executor.ProjectCredentials;
import io.containercloud.build.executor.Toolchains;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Builds as a Job in the tenant's build namespace on the build cluster ({@link JobTemplate}): the
 * ref is resolved to its commit first, the Job made (retried while the cluster does not answer),
 * then followed through watches of the Job and its pod, read again every {@code resync} as well, so
 * a missed event or a cluster outage only delays the outcome. Each container's log is streamed into
 * the build's log while it runs; its end finishes its step. A cancelled or interrupted build's Job
 * is deleted with its pod.
 */
@Component
@ConditionalOnProperty(name = "platform.build.executor", havingValue = "kubernetes")
class KubernetesExecutor implements BuildExecutor, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(KubernetesExecutor.class);
  private static final Pattern DIGEST =
      Pattern.compile("\"containerimage\\.digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");
  // how long a finished container's log stream may take to deliver its last lines
  private static final Duration LOG_DRAIN = Duration.ofSeconds(10);
  // beyond the Job's own deadline: time for the cluster to report that it ended
  private static final Duration GRACE = Duration.ofMinutes(2);
  // a follow that ended while its container runs is opened again after 1 s, then 2 s, ... 30 s
  private static final Duration LOG_REOPEN = Duration.ofSeconds(1);

  private static final Duration LOG_REOPEN_MAX = Duration.ofSeconds(30);
  private static final Path SERVICE_ACCOUNT =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
  private static final Duration CANCEL_CHECK = Duration.ofSeconds(1);
  // how long a failed Job waits for its pod's end to show in the cache (see podStillRunning)
  private static final long POD_END_WAIT_NANOS = Duration.ofSeconds(10).toNanos();

  private final KubernetesProperties properties;
  private final KubernetesClient client;
  private final JobTemplate template;
  private final BuildNamespaces namespaces;
  private final BuildJobCache cache;

  KubernetesExecutor(
      BuildProperties build, KubernetesProperties properties, ProjectCredentials projects)
      throws IOException {
    this.properties = properties;
    Config config = config(properties.kubeconfig());
    // the executor waits and retries itself; the client's own retries would only hide outages
    config.setRequestRetryBackoffLimit(0);
    this.client = new KubernetesClientBuilder().withConfig(config).build();
    this.template = new JobTemplate(properties, build);
    this.namespaces = new BuildNamespaces(client, properties, template, projects);
    this.cache = new BuildJobCache(client, properties.resync());
  }

  /**
   * The build cluster: the kubeconfig's, or without one the cluster this pod runs in, through its
   * service account (the Helm chart's RBAC gives it what building needs).
   */
  static Config config(Path kubeconfig) throws IOException {
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        throw new IllegalStateException(
            "platform.build.kubernetes.kubeconfig names no readable file: " + kubeconfig);
      }
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    }
    if (System.getenv("KUBERNETES_SERVICE_HOST") == null || !Files.isReadable(SERVICE_ACCOUNT)) {
      throw new IllegalStateException(
          "platform.build.kubernetes.kubeconfig must name the build cluster's kubeconfig when"
              + " build-service runs outside a pod with a service-account token");
    }
    return new ConfigBuilder().build();
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public boolean supports(Toolchain toolchain) {
    return Toolchains.known(toolchain)
        && (toolchain == Toolchain.DOCKERFILE
            || properties.builders().containsKey(toolchain.value()));
  }

  @Override
  public String run(BuildJob job, BuildContext context) throws BuildFailure, InterruptedException {
    ConfigurationSpec spec = job.spec();
    Instant deadline = Instant.now().plusSeconds(spec.timeoutSeconds()).plus(GRACE);
    context.stepStarted(JobTemplate.CLONE);
    String commit = GitRefs.resolve(spec.repositoryUrl(), spec.ref());
    String branch = spec.ref().matches("[0-9a-f]{40}") ? "commit" : spec.ref();
    String image =
        job.repository()
            + ":"
            + TagTemplate.render(spec.tagTemplate(), branch, commit, job.number());

    String name = JobTemplate.name(job.id());
    String namespace = create(job, commit, image, context, deadline);
    context.resolved(commit, image); // after the Job: recording it does not hold the Job back
    context.log("[platform] Job " + namespace + "/" + name + " on " + client.getMasterUrl());
    // the Job has the whole timeout from now on (its activeDeadlineSeconds), and so does its wait
    Instant end = Instant.now().plusSeconds(spec.timeoutSeconds()).plus(GRACE);
    try {
      return new Follower(job, namespace, name, context, end).follow();
    } catch (InterruptedException | GaveUp e) {
      delete(namespace, name, job.id()); // no build left running that nobody follows
      throw e;
    }
  }

  @Override
  public void discard(long id, String tenant) {
    delete(template.namespace(tenant), JobTemplate.name(id), id);
  }

  @Override
  public void destroy() {
    cache.close();
    client.close();
  }

  /** Makes the Job, waiting out a cluster that does not answer; an existing one is taken. */
  private String create(
      BuildJob job, String commit, String image, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    Job spec = template.job(job, commit, image);
    boolean reported = false;
    while (true) {
      try {
        String namespace = namespaces.ensure(job.tenant());
        try {
          client.batch().v1().jobs().inNamespace(namespace).resource(spec).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          // made by an earlier try whose answer was lost; another build's Job would be refused
          Job existing =
              client.batch().v1().jobs().inNamespace(namespace).withName(name(job)).get();
          if (existing == null
              || !commit.equals(
                  existing
                      .getMetadata()
                      .getAnnotations()
                      .get("platform.containercloud.io/commit"))) {
            throw new BuildFailure("a Job " + name(job) + " of another build is in " + namespace);
          }
        }
        return namespace;
      } catch (KubernetesClientException e) {
        if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 429) {
          throw new BuildFailure("the cluster refused the build's Job: " + e.getMessage());
        }
        if (!reported) {
          context.log("[platform] the build cluster does not answer, waiting: " + e.getMessage());
          reported = true;
        }
      }
      pause(context, deadline);
    }
  }

  private static String name(BuildJob job) {
    return JobTemplate.name(job.id());
  }

  private void pause(BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    if (context.cancelRequested()) {
      throw new InterruptedException("cancelled");
    }
    if (Instant.now().isAfter(deadline)) {
      throw new BuildFailure("the build cluster did not answer before the build's timeout");
    }
    Thread.sleep(properties.retry().toMillis());
  }

  /** Deletes a stopped build's Job with its pod; one the cluster keeps ends at its deadline. */
  private void delete(String namespace, String name, long id) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      log.warn("could not delete the Job of stopped build {}: {}", id, e.getMessage());
    }
  }

  /** One build's Job, from its creation to its end. */
  private final class Follower {

    private final String namespace;
    private final String name;
    private final BuildContext context;
    private final Instant deadline;
    private final long timeoutSeconds;
    private final List<String> steps;
    private final LinkedBlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
    private final Set<String> started = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    private final Map<String, LogStream> logs = new LinkedHashMap<>();
    private final Set<String> noted = new HashSet<>();
    private String digest;
    private boolean unreachable;
    private boolean seen;
    private long failedSeenAt; // System.nanoTime() when the Job was first seen failed, or 0
    private Instant nextCancelCheck = Instant.MIN;

    Follower(BuildJob job, String namespace, String name, BuildContext context, Instant deadline) {
      this.namespace = namespace;
      this.name = name;
      this.context = context;
      this.deadline = deadline;
      this.timeoutSeconds = job.spec().timeoutSeconds();
      this.steps =
          job.spec().toolchain() == Toolchain.DOCKERFILE
              ? List.of(JobTemplate.CLONE, JobTemplate.IMAGE)
              : List.of(JobTemplate.CLONE, JobTemplate.COMPILE, JobTemplate.IMAGE);
      started.add(JobTemplate.CLONE); // begun with the ref's resolution
    }

    String follow() throws BuildFailure, InterruptedException {
      cache.follow(namespace, name, () -> changes.offer(Boolean.TRUE));
      try {
        while (true) {
          // asked the database at most once a second, however often the Job changes
          if (Instant.now().isAfter(nextCancelCheck)) {
            if (context.cancelRequested()) {
              throw new InterruptedException("cancelled");
            }
            nextCancelCheck = Instant.now().plus(CANCEL_CHECK);
          }
          Optional<String> outcome = look();
          if (outcome.isPresent()) {
            return outcome.get();
          }
          if (Instant.now().isAfter(deadline)) {
            throw new GaveUp("the cluster did not report the Job's end in time");
          }
          changes.poll(
              Math.min(properties.resync().toMillis(), CANCEL_CHECK.toMillis()),
              TimeUnit.MILLISECONDS);
          changes.clear();
        }
      } finally {
        cache.forget(namespace, name);
        logs.values().forEach(stream -> stream.thread.interrupt());
      }
    }

    /** Looks at the Job and its pod as the cache has them; the digest when the build succeeded. */
    private Optional<String> look() throws BuildFailure, InterruptedException {
      if (!cache.current()) {
        if (!unreachable) {
          context.log("[platform] the build cluster does not answer, waiting");
          unreachable = true;
        }
        return Optional.empty();
      }
      if (unreachable) {
        context.log("[platform] the build cluster answers again");
        unreachable = false;
      }
      Optional<Job> found = cache.job(namespace, name);
      if (found.isEmpty()) {
        if (seen) {
          throw new BuildFailure("the build's Job was deleted in the cluster");
        }
        return Optional.empty(); // made, not yet in the cache
      }
      seen = true;
      Job job = found.get();
      Optional<Pod> pod =
          cache.pods(namespace, name).stream()
              .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
      // a Job past its deadline kills its containers: said as the timeout, not as their exit
      // (FailureTarget comes before Failed, once the pods have ended)
      if (condition(job, "FailureTarget")
          .or(() -> condition(job, "Failed"))
          .filter(c -> "DeadlineExceeded".equals(c.getReason()))
          .isPresent()) {
        throw new BuildFailure("the build ran longer than its timeout of " + timeoutSeconds + " s");
      }
      if (pod.isPresent()) {
        unschedulable(pod.get());
        progress(pod.get());
      }
      Optional<JobCondition> failed = condition(job, "Failed");
      if (failed.isPresent() && podStillRunning(pod)) {
        return Optional.empty(); // the pod's end, which names the failed step, is on its way
      }
      if (failed.isPresent()) {
        throw new BuildFailure(
            "the build's Job failed: "
                + failed.get().getReason()
                + Optional.ofNullable(failed.get().getMessage()).map(m -> ", " + m).orElse(""));
      }
      if (condition(job, "Complete").isPresent() && finished.contains(JobTemplate.IMAGE)) {
        if (digest == null) {
          throw new BuildFailure("the image step reported no digest");
        }
        return Optional.of(digest);
      }
      return Optional.empty();
    }

    /**
     * Whether the Job's pod has not ended as the cache sees it: the Job and its pods are watched
     * apart, so the Job's Failed condition may arrive before the pod's terminated containers. For a
     * few seconds the build waits for them, to fail at the step that failed.
     */
    private boolean podStillRunning(Optional<Pod> pod) {
      if (failedSeenAt == 0) {
        failedSeenAt = System.nanoTime();
      }
      boolean ended =
          pod.map(p -> p.getStatus() == null ? null : p.getStatus().getPhase())
              .filter(phase -> phase.equals("Failed") || phase.equals("Succeeded"))
              .isPresent();
      return pod.isPresent() && !ended && System.nanoTime() - failedSeenAt < POD_END_WAIT_NANOS;
    }

    /** Starts and finishes the steps whose containers started and ended, in their order. */
    private void progress(Pod pod) throws BuildFailure, InterruptedException {
      for (String step : steps) {
        Optional<ContainerStatus> status = status(pod, step);
        if (status.isEmpty() || status.get().getState() == null) {
          return;
        }
        var state = status.get().getState();
        if (state.getRunning() == null && state.getTerminated() == null) {
          if (state.getWaiting() != null && state.getWaiting().getReason() != null) {
            // an image that cannot be pulled, a Secret missing: said once, the Job's deadline ends
            // it
            note(
                step
                    + " waits: "
                    + state.getWaiting().getReason()
                    + Optional.ofNullable(state.getWaiting().getMessage())
                        .map(m -> ", " + m)
                        .orElse(""));
          }
          return; // the later steps wait too
        }
        if (started.add(step)) {
          context.stepStarted(step);
        }
        if (!logs.containsKey(step)) {
          // a container seen only once it ended is read once, not followed
          logs.put(step, stream(pod.getMetadata().getName(), step, state.getTerminated() != null));
        }
        ContainerStateTerminated end = state.getTerminated();
        if (end == null) {
          return;
        }
        if (finished.add(step)) {
          LogStream stream = logs.get(step);
          stream.ended.countDown();
          stream.thread.join(LOG_DRAIN.toMillis());
          boolean succeeded = end.getExitCode() != null && end.getExitCode() == 0;
          context.stepFinished(step, succeeded);
          if (!succeeded) {
            throw new BuildFailure(
                step
                    + " failed (exit "
                    + end.getExitCode()
                    + Optional.ofNullable(end.getReason()).map(r -> ", " + r).orElse("")
                    + ")");
          }
          if (step.equals(JobTemplate.IMAGE)) {
            digest = digest(end.getMessage());
            // BuildKit pushes as it builds: the push step ends with the image step
            context.stepStarted("push");
            context.stepFinished("push", digest != null);
          }
        }
      }
    }

    /** Follows one container's log into the build's log until the container ends. */
    private LogStream stream(String pod, String container, boolean ended) {
      LogStream stream = new LogStream(pod, container);
      if (ended) {
        stream.ended.countDown();
      }
      stream.thread.start();
      return stream;
    }

    private void unschedulable(Pod pod) {
      if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
        pod.getStatus().getConditions().stream()
            .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
            .forEach(c -> note("the build's pod waits for a node: " + c.getMessage()));
      }
    }

    private void note(String message) {
      if (noted.add(message)) {
        context.log("[platform] " + message);
      }
    }

    /**
     * One container's log, followed with timestamps; a stream that ends while the container runs (a
     * broken connection, an API server that ends follows) is opened again from the last line's
     * time, and lines already written are skipped, so none is lost or doubled.
     */
    private final class LogStream {

      private final String pod;
      private final String container;
      private final Thread thread;
      private final CountDownLatch ended = new CountDownLatch(1);
      private Instant last = Instant.EPOCH;
      private final Set<String> atLast = new HashSet<>();

      LogStream(String pod, String container) {
        this.pod = pod;
        this.container = container;
        this.thread = new Thread(this::follow, "build-log-" + name + "-" + container);
        thread.setDaemon(true);
      }

      private void follow() {
        boolean finalRead = false;
        Duration reopen = LOG_REOPEN;
        while (!finalRead && !Thread.currentThread().isInterrupted()) {
          finalRead = ended.getCount() == 0; // after its container ended: its last lines
          try (var watch = open();
              var reader =
                  new BufferedReader(
                      new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
              write(line);
            }
          } catch (IOException | UncheckedIOException | KubernetesClientException e) {
            if (finalRead) {
              context.log("[platform] the log of " + container + " broke off: " + e.getMessage());
            }
          }
          if (!finalRead) {
            try {
              ended.await(reopen.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              return;
            }
            reopen =
                reopen.multipliedBy(2).compareTo(LOG_REOPEN_MAX) > 0
                    ? LOG_REOPEN_MAX
                    : reopen.multipliedBy(2);
          }
        }
      }

      private LogWatch open() {
        var logs =
            client
                .pods()
                .inNamespace(namespace)
                .withName(pod)
                .inContainer(container)
                .withReadyWaitTimeout(0)
                .usingTimestamps();
        return last.equals(Instant.EPOCH)
            ? logs.watchLog()
            : logs.sinceTime(last.truncatedTo(ChronoUnit.SECONDS).toString()).watchLog();
      }

      private void write(String line) {
        int space = line.indexOf(' ');
        Instant at;
        try {
          at = Instant.parse(space < 0 ? line : line.substring(0, space));
        } catch (DateTimeParseException e) {
          context.log(line);
          return;
        }
        String text = space < 0 ? "" : line.substring(space + 1);
        if (at.isBefore(last) || (at.equals(last) && !atLast.add(text))) {
          return; // read before the stream was opened again
        }
        if (at.isAfter(last)) {
          last = at;
          atLast.clear();
          atLast.add(text);
        }
        context.log(text);
      }
    }
  }

  /** Waiting for a Job's end took longer than its own deadline allows: the Job goes too. */
  private static final class GaveUp extends BuildFailure {

    GaveUp(String message) {
      super(message);
    }
  }

  private static Optional<ContainerStatus> status(Pod pod, String container) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    return Stream.concat(
            Optional.ofNullable(pod.getStatus().getInitContainerStatuses())
                .orElse(List.of())
                .stream(),
            Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of()).stream())
        .filter(s -> container.equals(s.getName()))
        .findFirst();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  /** {@code containerimage.digest} from BuildKit's metadata, the image container's message. */
  static String digest(String metadata) {
    if (metadata == null) {
      return null;
    }
    Matcher matcher = DIGEST.matcher(metadata);
    return matcher.find() ? matcher.group(1) : null;
  }
}
