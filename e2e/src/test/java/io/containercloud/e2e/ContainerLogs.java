package io.containercloud.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Counts container log records by their {@code seq=<n>} (kube-sim numbers each container's records
 * from 1): what the log files on a node say was written, and what Elasticsearch holds.
 */
final class ContainerLogs {

  private static final Pattern SEQ = Pattern.compile("seq=(\\d+)");
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ELASTICSEARCH = "http://127.0.0.1:19200";

  private ContainerLogs() {}

  /**
   * A container's records in Elasticsearch: how many times each sequence number is there, and how
   * many records were not whole (a stack trace in pieces, a long line cut or joined wrongly) out of
   * the stack traces and long lines there.
   */
  record Shipped(Map<Integer, Integer> times, int traces, int longLines, int broken) {

    int lost(int last) {
      int lost = 0;
      for (int seq = 1; seq <= last; seq++) {
        lost += times.containsKey(seq) ? 0 : 1;
      }
      return lost;
    }

    int duplicated() {
      return times.values().stream().mapToInt(n -> n - 1).sum();
    }
  }

  /**
   * The last sequence number written by each container of the namespace's pods on the node, by
   * {@code <pod>/<container>}, from the live files.
   */
  static Map<String, Integer> written(Path podLogs, String namespace) throws IOException {
    Map<String, Integer> last = new TreeMap<>();
    if (!Files.isDirectory(podLogs)) {
      return last;
    }
    try (Stream<Path> pods = Files.list(podLogs)) {
      for (Path pod :
          pods.filter(p -> p.getFileName().toString().startsWith(namespace + "_")).toList()) {
        String podName = pod.getFileName().toString().split("_")[1];
        try (Stream<Path> containers = Files.list(pod)) {
          for (Path container : containers.toList()) {
            Path live = container.resolve("0.log");
            if (Files.exists(live)) {
              last.put(podName + "/" + container.getFileName(), lastSeq(live));
            }
          }
        }
      }
    }
    return last;
  }

  private static int lastSeq(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher seq = SEQ.matcher(lines.get(i));
      if (seq.find()) {
        return Integer.parseInt(seq.group(1));
      }
    }
    return 0;
  }

  /**
   * What Elasticsearch holds of the tenant's records, by {@code <pod>/<container>}; kube-sim wrote
   * them {@code lineLength} long, or 16 KiB more for its long lines.
   */
  static Map<String, Shipped> shipped(String tenant, int lineLength)
      throws IOException, InterruptedException {
    String indices = "container-logs-" + tenant + ".*";
    send("POST", "/" + indices + "/_refresh?allow_no_indices=true", null);
    Map<String, Map<Integer, Integer>> byContainer = new HashMap<>();
    Map<String, int[]> shapes = new HashMap<>();
    JsonNode after = null;
    while (true) {
      ObjectNode query = JSON.createObjectNode();
      query.put("size", 5000);
      query.putArray("_source").add("message").add("pod").add("container");
      query.putArray("sort").add("source").add("offset");
      if (after != null) {
        query.set("search_after", after);
      }
      JsonNode hits =
          send(
                  "POST",
                  "/" + indices + "/_search?allow_no_indices=true&ignore_unavailable=true",
                  query)
              .path("hits")
              .path("hits");
      if (hits.isEmpty()) {
        break;
      }
      for (JsonNode hit : hits) {
        JsonNode source = hit.get("_source");
        Matcher seq = SEQ.matcher(source.get("message").asString());
        String container = source.get("pod").asString() + "/" + source.get("container").asString();
        if (seq.find()) {
          byContainer
              .computeIfAbsent(container, k -> new HashMap<>())
              .merge(Integer.parseInt(seq.group(1)), 1, Integer::sum);
        }
        shape(
            source.get("message").asString(),
            lineLength,
            shapes.computeIfAbsent(container, k -> new int[3]));
      }
      after = hits.get(hits.size() - 1).get("sort");
    }
    Map<String, Shipped> shipped = new TreeMap<>();
    byContainer.forEach(
        (container, times) -> {
          int[] shape = shapes.get(container);
          shipped.put(container, new Shipped(times, shape[0], shape[1], shape[2]));
        });
    return shipped;
  }

  /** Counts a stack trace or a long line, and a record that is not whole. */
  private static void shape(String message, int lineLength, int[] counts) {
    if (message.startsWith("ERROR seq=")) {
      counts[0]++;
      if (!message.contains("\nCaused by: ") || !message.endsWith("\n\t... 2 more")) {
        counts[2]++;
      }
    } else if (message.length() == 16384 + lineLength) {
      counts[1]++;
    } else if (message.length() != lineLength) {
      counts[2]++;
    }
  }

  private static JsonNode send(String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(ELASTICSEARCH + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /**
   * A Deployment of {@code tenant}, labelled as cluster-service labels them (tenant, application
   * {@code shop}, service {@code name}), on {@code node} when not null; returns once its pods run.
   */
  static void deployment(
      KubernetesClient kube, String tenant, String name, int replicas, String node) {
    if (kube.namespaces().withName(tenant).get() == null) {
      kube.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(tenant).endMetadata().build())
          .create();
    }
    Map<String, String> labels =
        Map.of(
            "containercloud.io/tenant", tenant,
            "app.kubernetes.io/part-of", "shop",
            "app.kubernetes.io/name", name);
    kube.apps()
        .deployments()
        .inNamespace(tenant)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNodeSelector(node == null ? Map.of() : Map.of("kubernetes.io/hostname", node))
                .addNewContainer()
                .withName("main")
                .withImage("registry.local/" + name + ":1")
                .withNewResources()
                .addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("64Mi"))
                .endResources()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                kube
                        .pods()
                        .inNamespace(tenant)
                        .withLabel("app.kubernetes.io/name", name)
                        .list()
                        .getItems()
                        .stream()
                        .filter(p -> "Running".equals(p.getStatus().getPhase()))
                        .count()
                    == replicas);
  }
}
