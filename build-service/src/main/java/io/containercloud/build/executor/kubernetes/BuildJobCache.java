package io.containercloud.build.executor.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The build Jobs and their pods in every build namespace, as two informers keep them (one list and
 * one watch each, whatever the number of builds), so that following a build costs the API server
 * nothing: each build's follower reads the cache and is woken when its Job or pod changes. The
 * informers list again and watch on after an outage by themselves.
 */
final class BuildJobCache implements AutoCloseable {

  private static final String JOB_INDEX = "job";

  private final SharedIndexInformer<Job> jobs;
  private final SharedIndexInformer<Pod> pods;
  private final Map<String, Runnable> followers = new ConcurrentHashMap<>();

  BuildJobCache(KubernetesClient client, Duration resync) {
    Map<String, String> builds =
        Map.of(
            "app.kubernetes.io/managed-by",
            JobTemplate.MANAGED_BY,
            "app.kubernetes.io/component",
            "build");
    jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabels(builds)
            .runnableInformer(resync.toMillis());
    pods = client.pods().inAnyNamespace().withLabels(builds).runnableInformer(resync.toMillis());
    pods.addIndexers(
        Map.of(
            JOB_INDEX,
            pod -> List.of(pod.getMetadata().getNamespace() + "/" + jobName(pod).orElse(""))));
    jobs.addEventHandler(
        wake(job -> key(job.getMetadata().getNamespace(), job.getMetadata().getName())));
    pods.addEventHandler(
        wake(pod -> key(pod.getMetadata().getNamespace(), jobName(pod).orElse(""))));
    for (SharedIndexInformer<?> informer : List.of(jobs, pods)) {
      informer.exceptionHandler((started, failure) -> true); // an outage is waited out
      informer.start();
    }
  }

  /** Calls {@code change} whenever the Job or its pods change, until {@link #forget}. */
  void follow(String namespace, String job, Runnable change) {
    followers.put(key(namespace, job), change);
  }

  void forget(String namespace, String job) {
    followers.remove(key(namespace, job));
  }

  Optional<Job> job(String namespace, String name) {
    return Optional.ofNullable(jobs.getStore().getByKey(key(namespace, name)));
  }

  List<Pod> pods(String namespace, String job) {
    return pods.getIndexer().byIndex(JOB_INDEX, key(namespace, job));
  }

  /** Whether both informers are listed and watching: false while the cluster does not answer. */
  boolean current() {
    return jobs.hasSynced() && pods.hasSynced() && jobs.isWatching() && pods.isWatching();
  }

  @Override
  public void close() {
    jobs.close();
    pods.close();
  }

  private <T extends HasMetadata> ResourceEventHandler<T> wake(
      java.util.function.Function<T, String> keyOf) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        notify(object);
      }

      @Override
      public void onUpdate(T before, T object) {
        notify(object);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        notify(object);
      }

      private void notify(T object) {
        Runnable follower = followers.get(keyOf.apply(object));
        if (follower != null) {
          follower.run();
        }
      }
    };
  }

  private static Optional<String> jobName(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get("job-name"));
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
