package io.containercloud.build.run;

import static org.awaitility.Awaitility.await;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * bench/build part 1 (not a test: run by bench/build/run.sh). build-service with the kubernetes
 * executor on one kube-sim cluster; 100 configurations of one tenant; one build of each asked for
 * through the API, 10 a second (a release rebuilding a hundred services; {@code bench.rate} 0 sends
 * them back to back from 8 clients). The clock runs from sending the request until a watch on the
 * cluster sees the build's Job. Baseline in the same run: 100 Jobs made directly with fabric8 at
 * the same rate, clocked the same way, beside the builds' Jobs.
 */
@ServiceIntegrationTest
class KubernetesBuildBenchmark {

  private static final int BUILDS = Integer.getInteger("bench.builds", 100);
  // requests per second, sent on a schedule whatever the answers (0: as fast as CLIENTS send)
  private static final int RATE = Integer.getInteger("bench.rate", 10);
  private static final int CLIENTS = 8;
  private static final int WARMUP = 10;
  private static final String TENANT = "bench";

  private static KubeSimProcess sim;
  private static KubernetesClient cluster;
  private static GitServer git;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void executor(DynamicPropertyRegistry registry) throws Exception {
    // Jobs run on through the measurement, as builds of minutes would; kube-sim's rounds once a
    // second, so that the simulator takes less of the two cores from the service it measures
    sim =
        new KubeSimProcess(
            1, 5, "64", "256Gi", "200ms", "kube-sim.job-duration=60s", "kube-sim.tick=1s");
    cluster =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig("room-1"))))
            .build();
    git = new GitServer();
    registry.add(
        "spring.datasource.url",
        () -> "jdbc:mysql://127.0.0.1:13306/build_bench?createDatabaseIfNotExist=true");
    registry.add("platform.build.executor", () -> "kubernetes");
    registry.add("platform.build.runner", () -> "bench-" + UUID.randomUUID());
    registry.add("platform.build.max-parallel", () -> Integer.toString(BUILDS + WARMUP));
    registry.add("platform.build.kubernetes.kubeconfig", () -> sim.kubeconfig("room-1"));
    registry.add("platform.build.kubernetes.builders.java-maven", () -> "builder-java:1");
    // how kube-sim ends each Job: BuildKit's metadata as the image container's message
    registry.add(
        "platform.build.kubernetes.job-annotations[kube-sim/termination-message.image]",
        () -> "{\"containerimage.digest\":\"sha256:" + "0".repeat(64) + "\"}");
  }

  @AfterAll
  static void stop() {
    git.close();
    cluster.close();
    sim.close();
  }

  @Test
  void requestToJobCreated() throws Exception {
    String repository = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    git.sample(repository);
    String namespace = "build-" + TENANT;
    Map<String, Long> created = new ConcurrentHashMap<>();
    try (Watch watch = cluster.batch().v1().jobs().inNamespace(namespace).watch(added(created))) {
      List<String> warmup = configurations("warm", WARMUP, repository);
      measure(warmup, created, this::trigger);
      List<String> names = configurations("b", BUILDS, repository);
      long[] platform = measure(names, created, this::trigger);

      cluster
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("bare").endMetadata().build())
          .create();
      try (Watch bareWatch =
          cluster.batch().v1().jobs().inNamespace("bare").watch(added(created))) {
        measure(configurations(null, WARMUP, null), created, this::createBare);
        long[] bare = measure(configurations(null, BUILDS, null), created, this::createBare);
        report(platform, bare);
      }
    }
  }

  /**
   * Sends the requests at {@code RATE} a second (or back to back from {@code CLIENTS} threads); the
   * nanoseconds from each until its Job was seen.
   */
  private long[] measure(List<String> names, Map<String, Long> created, Function<String, Long> send)
      throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(RATE == 0 ? CLIENTS : names.size());
    List<Future<Long>> sent = new ArrayList<>();
    long begin = System.nanoTime();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (RATE > 0) {
        long due = begin + i * 1_000_000_000L / RATE;
        while (System.nanoTime() < due) {
          Thread.sleep(1);
        }
      }
      sent.add(clients.submit(() -> send.apply(name)));
    }
    long[] latencies = new long[names.size()];
    for (int i = 0; i < names.size(); i++) {
      long start = sent.get(i).get();
      String name = names.get(i);
      await().atMost(Duration.ofMinutes(2)).until(() -> created.containsKey(name));
      latencies[i] = created.get(name) - start;
    }
    clients.shutdown();
    return latencies;
  }

  private List<String> configurations(String prefix, int count, String repository) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name =
          (prefix == null ? "bare" : prefix)
              + "-"
              + i
              + "-"
              + UUID.randomUUID().toString().substring(0, 6);
      if (prefix != null) {
        String body =
            """
            {"name":"%s","spec":{"repositoryUrl":"%s","ref":"main","toolchain":"java-maven",
             "image":"%s"}}"""
                .formatted(name, git.url(repository), name);
        int status = send("POST", "/configurations", body);
        if (status != 201) {
          throw new IllegalStateException("configuration answered " + status);
        }
      }
      names.add(name);
    }
    return names;
  }

  /** Asks for a build; the time it was asked, in nanoseconds. */
  private long trigger(String configuration) {
    long start = System.nanoTime();
    int status = send("POST", "/configurations/" + TENANT + "/" + configuration + "/builds", null);
    if (status != 202) {
      throw new IllegalStateException("build answered " + status);
    }
    return start;
  }

  /** The baseline: the Job made directly, as small as the cluster takes it. */
  private long createBare(String name) {
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .addToAnnotations("platform.containercloud.io/configuration", name)
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("image")
            .withImage("builder:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    long start = System.nanoTime();
    cluster.batch().v1().jobs().inNamespace("bare").resource(job).create();
    return start;
  }

  private int send(String method, String path, String body) {
    String token = TestTokens.token("bench", TENANT, Role.DEVELOPER);
    return ServiceContract.send(
            ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, body).build())
        .statusCode();
  }

  private static Watcher<Job> added(Map<String, Long> created) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Job job) {
        if (action == Action.ADDED) {
          String name =
              job.getMetadata().getAnnotations().get("platform.containercloud.io/configuration");
          created.putIfAbsent(name, System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  private static void report(long[] platform, long[] bare) throws Exception {
    Arrays.sort(platform);
    Arrays.sort(bare);
    double p50 = percentile(platform, 50);
    double p99 = percentile(platform, 99);
    double bareP50 = percentile(bare, 50);
    double bareP99 = percentile(bare, 99);
    String line =
        "build-kubernetes requests=%d rate_per_s=%s job_created_p50_ms=%.1f job_created_p99_ms=%.1f max_ms=%.1f bare_create_p50_ms=%.1f bare_create_p99_ms=%.1f ratio_p50_to_bare=%.1f"
            .formatted(
                platform.length,
                RATE == 0 ? "max" : Integer.toString(RATE),
                p50,
                p99,
                platform[platform.length - 1] / 1e6,
                bareP50,
                bareP99,
                p50 / bareP50);
    System.out.println(line);
    Files.writeString(Path.of("target/bench-kubernetes.txt"), line + "\n");
  }

  private static double percentile(long[] sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
