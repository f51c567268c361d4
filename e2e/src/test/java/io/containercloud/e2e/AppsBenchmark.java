package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.ServiceContract;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * bench/apps (not a test: run by bench/apps/run.sh). The e2e platform with kube-sim's default
 * readiness delay (2 s); 50 applications of 5 services (1, 2 or 3 layers deep, 2 on average), 3
 * replicas each, all started at once through app-orchestrator. {@code all_ready_s} runs from the
 * first start request until the last operation has ended; {@code overhead_s} is that minus the
 * critical path of readiness delays (the deepest application's layers times the delay). The peer,
 * measured first in the same run on as many applications: what a team does without the
 * orchestrator, a script per application that deploys a layer through cluster-service and reads
 * each workload once a second until it is Ready.
 */
class AppsBenchmark {

  private static final int APPS = Integer.getInteger("bench.apps", 50);
  private static final Duration READY_DELAY =
      Duration.ofMillis(Long.getLong("bench.ready-delay-ms", 2000));
  private static final int WARMUP_APPS = Integer.getInteger("bench.warmup-apps", 10);
  private static final String TENANT = "platform";
  private final E2ePlatform platform = E2ePlatform.get();

  /** Layers of the application {@code i}: a quarter one deep, half two, a quarter three. */
  private static List<List<String>> shape(int i) {
    return switch (i % 4) {
      case 0 -> List.of(List.of("a", "b", "c", "d", "e"));
      case 3 -> List.of(List.of("a"), List.of("b", "c"), List.of("d", "e"));
      default -> List.of(List.of("a", "b"), List.of("c", "d", "e"));
    };
  }

  private static String definition(String name, List<List<String>> layers) {
    List<String> services = new ArrayList<>();
    for (int layer = 0; layer < layers.size(); layer++) {
      List<String> needs = layer == 0 ? List.of() : layers.get(layer - 1);
      for (String service : layers.get(layer)) {
        services.add(
            AppOperations.service(
                    service,
                    "registry.example.com/platform/" + service + ":1",
                    null,
                    needs.toArray(String[]::new))
                .replace("\"cpu\":\"100m\"", "\"cpu\":\"10m\""));
      }
    }
    return AppOperations.application(name, services.toArray(String[]::new));
  }

  @Test
  void apps() throws Exception {
    String token = platform.admin().token();
    String orchestrator = platform.orchestrator().url();
    String clusters = platform.clusterService().url();
    int services = APPS * 5;
    int deepest = 0;
    for (int i = 0; i < APPS; i++) {
      deepest = Math.max(deepest, shape(i).size());
    }
    double critical = deepest * READY_DELAY.toMillis() / 1e3;

    // the orchestrator's code paths compiled before either side is measured, as the peer's first
    // applications are for cluster-service and kube-sim: both sides measured warm
    define(orchestrator, token, "warm", WARMUP_APPS);
    delete(orchestrator, token, started(orchestrator, token, "warm", WARMUP_APPS));
    double peer = peer(clusters, token);
    String before = idle(Duration.ofSeconds(5));

    define(orchestrator, token, "bench", APPS);
    ProcessCpu cpu = ProcessCpu.start();
    Instant start = Instant.now();
    List<JsonNode> operations = started(orchestrator, token, "bench", APPS);
    Instant last = start;
    for (JsonNode operation : operations) {
      Instant finished = Instant.parse(operation.get("finishedAt").asString());
      last = finished.isAfter(last) ? finished : last;
    }
    String spent = cpu.spent();
    double allReady = Duration.between(start, last).toMillis() / 1e3;
    String breakdown = breakdown(operations, start, last, clusters, token);
    String after = idle(Duration.ofSeconds(10));

    String result =
        String.format(
            Locale.ROOT,
            "%s%napps cpu_s %s%n"
                + "apps idle_cpu_s before_5s %s%n"
                + "apps idle_cpu_s after_10s %s%n"
                + "apps peer_script_s=%.1f ratio=%.2f critical_path_s=%.1f%n"
                + "apps apps=%d services=%d all_ready_s=%.1f overhead_s=%.1f%n",
            breakdown,
            spent,
            before,
            after,
            peer,
            allReady / peer,
            critical,
            APPS,
            services,
            allReady,
            allReady - critical);
    System.out.print(result);
    Files.writeString(Path.of("target/apps-bench.txt"), result);

    // deleted, so that the next run on the same servers starts where this one did (without this
    // run's names in BIND and endpoints in etcd)
    delete(orchestrator, token, operations);
  }

  private void define(String orchestrator, String token, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      send(orchestrator, token, "POST", "/applications", definition(app(prefix, i), shape(i)), 201);
    }
  }

  /** Starts the applications {@code define} made, all at once: their operations, each done. */
  private List<JsonNode> started(String orchestrator, String token, String prefix, int count)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Long>> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String path = "/applications/" + TENANT + "/" + app(prefix, i) + "/operations";
      requests.add(
          pool.submit(
              () ->
                  AppOperations.JSON
                      .readTree(
                          send(orchestrator, token, "POST", path, "{\"action\":\"start\"}", 202))
                      .get("id")
                      .asLong()));
    }
    List<JsonNode> operations = new ArrayList<>();
    for (Future<Long> request : requests) {
      JsonNode operation = awaitEnded(orchestrator, token, request.get());
      assertThat(operation.get("state").asString()).as(operation.toString()).isEqualTo("done");
      operations.add(operation);
    }
    pool.shutdown();
    return operations;
  }

  /** Deletes the applications of these operations, each deletion awaited. */
  private static void delete(String orchestrator, String token, List<JsonNode> operations) {
    List<Long> deletions = new ArrayList<>();
    for (JsonNode operation : operations) {
      String path = "/applications/" + TENANT + "/" + operation.get("application").asString();
      deletions.add(
          AppOperations.JSON
              .readTree(send(orchestrator, token, "DELETE", path, null, 202))
              .get("id")
              .asLong());
    }
    for (long id : deletions) {
      assertThat(awaitEnded(orchestrator, token, id).get("state").asString()).isEqualTo("done");
    }
  }

  /**
   * Where a step's time goes, from kube-sim's own timeline: from when it could start (the first
   * start request for the first layer, the end of the layer before otherwise) until it started,
   * until cluster-service accepted the workload (its {@code createdAt}), until the first room
   * created the Deployment (the call, cluster-service's reconcile, kube-sim's round), until the
   * last room had it Ready (pods starting: the readiness delay plus a round), until the step ended
   * (the status event or read reaching the orchestrator). p50 and p95 over every step, seconds.
   */
  private String breakdown(
      List<JsonNode> operations, Instant from, Instant to, String clusters, String token) {
    Map<String, AppOperations.Seen> seen = AppOperations.timeline(platform, TENANT, from, to);
    Map<String, Instant> accepted = new HashMap<>();
    for (JsonNode workload :
        AppOperations.JSON.readTree(
            send(clusters, token, "GET", "/workloads?tenant=" + TENANT, null, 200))) {
      accepted.put(
          workload.get("name").asString(), Instant.parse(workload.get("createdAt").asString()));
    }
    List<Double> begin = new ArrayList<>();
    List<Double> accept = new ArrayList<>();
    List<Double> create = new ArrayList<>();
    List<Double> ready = new ArrayList<>();
    List<Double> noticed = new ArrayList<>();
    for (JsonNode operation : operations) {
      Map<Integer, Instant> layerEnded = new HashMap<>();
      for (JsonNode step : operation.get("steps")) {
        layerEnded.merge(
            step.get("layer").asInt(),
            Instant.parse(step.get("finishedAt").asString()),
            (a, b) -> a.isAfter(b) ? a : b);
      }
      for (JsonNode step : operation.get("steps")) {
        int layer = step.get("layer").asInt();
        Instant due = layer == 0 ? from : layerEnded.get(layer - 1);
        begin.add(
            Duration.between(due, Instant.parse(step.get("startedAt").asString())).toMillis()
                / 1e3);
        AppOperations.Seen deployment = seen.get(step.get("workload").asString());
        Instant created = deployment == null ? null : deployment.first("created");
        Instant allReady = deployment == null ? null : deployment.last("ready");
        if (created == null || allReady == null) {
          continue; // past the timeline kube-sim keeps
        }
        Instant started = Instant.parse(step.get("startedAt").asString());
        Instant finished = Instant.parse(step.get("finishedAt").asString());
        Instant inClusterService = accepted.get(step.get("workload").asString());
        if (inClusterService != null) {
          accept.add(Duration.between(started, inClusterService).toMillis() / 1e3);
        }
        create.add(Duration.between(started, created).toMillis() / 1e3);
        ready.add(Duration.between(created, allReady).toMillis() / 1e3);
        noticed.add(Duration.between(allReady, finished).toMillis() / 1e3);
      }
    }
    return String.format(
        Locale.ROOT,
        "apps steps=%d to_started_p50=%.1f p95=%.1f to_accepted_p50=%.1f p95=%.1f"
            + " to_created_p50=%.1f p95=%.1f to_ready_p50=%.1f p95=%.1f"
            + " to_noticed_p50=%.1f p95=%.1f",
        create.size(),
        percentile(begin, 50),
        percentile(begin, 95),
        percentile(accept, 50),
        percentile(accept, 95),
        percentile(create, 50),
        percentile(create, 95),
        percentile(ready, 50),
        percentile(ready, 95),
        percentile(noticed, 50),
        percentile(noticed, 95));
  }

  /** CPU spent while nothing is asked of the platform: what its background work costs. */
  private static String idle(Duration window) throws InterruptedException {
    ProcessCpu cpu = ProcessCpu.start();
    Thread.sleep(window.toMillis()); // a window of time is what is measured
    return cpu.spent();
  }

  private static double percentile(List<Double> values, int p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private String app(String prefix, int i) {
    return prefix + "-" + platform.run + "-" + i;
  }

  /**
   * The peer: one script per application deploying layer by layer straight to cluster-service,
   * reading each workload once a second until Ready; its workloads are deleted afterwards.
   */
  private double peer(String clusters, String token) throws Exception {
    ExecutorService scripts = Executors.newFixedThreadPool(APPS);
    List<Future<?>> runs = new ArrayList<>();
    Instant start = Instant.now();
    for (int i = 0; i < APPS; i++) {
      String app = "peer-" + platform.run + "-" + i;
      List<List<String>> layers = shape(i);
      runs.add(scripts.submit(() -> script(clusters, token, app, layers)));
    }
    for (Future<?> run : runs) {
      run.get();
    }
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1e3;
    scripts.shutdown();
    for (int i = 0; i < APPS; i++) {
      for (List<String> layer : shape(i)) {
        for (String service : layer) {
          send(
              clusters,
              token,
              "DELETE",
              "/workloads/" + TENANT + "/peer-" + platform.run + "-" + i + "-" + service,
              null,
              202);
        }
      }
    }
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                !send(clusters, token, "GET", "/workloads?tenant=" + TENANT, null, 200)
                    .contains("\"name\":\"peer-"));
    return seconds;
  }

  private static Void script(String clusters, String token, String app, List<List<String>> layers)
      throws InterruptedException {
    for (List<String> layer : layers) {
      for (String service : layer) {
        send(
            clusters,
            token,
            "POST",
            "/workloads",
            """
            {"name":"%s-%s","image":"registry.example.com/platform/%s:1","replicas":3,
             "spec":{"application":"%s","resources":{"requests":{"cpu":"10m","memory":"64Mi"},
                                                     "limits":{"cpu":"100m","memory":"64Mi"}}}}"""
                .formatted(app, service, service, app),
            201);
      }
      for (String service : layer) {
        while (!send(
                clusters,
                token,
                "GET",
                "/workloads/" + TENANT + "/" + app + "-" + service,
                null,
                200)
            .contains("\"ready\":3,")) {
          Thread.sleep(1000);
        }
      }
    }
    return null;
  }

  private static JsonNode awaitEnded(String orchestrator, String token, long id) {
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                AppOperations.ended(
                    AppOperations.JSON.readTree(
                        send(orchestrator, token, "GET", "/operations/" + id, null, 200))));
    return AppOperations.JSON.readTree(
        send(orchestrator, token, "GET", "/operations/" + id, null, 200));
  }

  private static String send(
      String base, String token, String method, String path, String json, int expected) {
    HttpResponse<String> response =
        ServiceContract.send(ServiceContract.request(method, base + path, token, json).build());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(expected);
    return response.body();
  }
}
