package io.containercloud.kubesim.cluster;

import io.containercloud.common.error.Problems;
import io.containercloud.kubesim.cluster.controller.ClusterLifecycle;
import io.containercloud.kubesim.cluster.controller.ContainerLogs;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The simulator's admin API: which clusters run where, and drills (fail, heal, load). */
@RestController
@Validated
class ClusterResource {

  private final SimulatedClusters clusters;

  ClusterResource(SimulatedClusters clusters) {
    this.clusters = clusters;
  }

  /** An unknown cluster or node is a 404, not a failure of the simulator. */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> unknown(IllegalArgumentException e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", e.getMessage(), List.of()));
  }

  @GetMapping("/clusters")
  List<SimulatedClusters.ClusterView> list() {
    return clusters.views();
  }

  /**
   * The cluster's pods in a namespace, one name per line (what a drill or a web shell needs without
   * kubectl).
   */
  @GetMapping(value = "/clusters/{cluster}/pods", produces = "text/plain")
  String pods(
      @PathVariable String cluster,
      @RequestParam @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String namespace) {
    return clusters.sim().client(cluster).pods().inNamespace(namespace).list().getItems().stream()
        .map(p -> p.getMetadata().getName() + "\n")
        .sorted()
        .collect(java.util.stream.Collectors.joining());
  }

  /** The cluster's API stops answering (a failed machine room); its pods live on. */
  @PostMapping("/clusters/{cluster}/fail")
  ResponseEntity<Void> fail(@PathVariable String cluster) {
    clusters.sim().fail(cluster);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/clusters/{cluster}/heal")
  ResponseEntity<Void> heal(@PathVariable String cluster) {
    clusters.sim().heal(cluster);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/clusters/{cluster}/nodes/{node}/fail")
  ResponseEntity<Void> failNode(@PathVariable String cluster, @PathVariable String node) {
    clusters.sim().failNode(cluster, node);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/clusters/{cluster}/nodes/{node}/heal")
  ResponseEntity<Void> healNode(@PathVariable String cluster, @PathVariable String node) {
    clusters.sim().healNode(cluster, node);
    return ResponseEntity.noContent().build();
  }

  /**
   * @param namespace the pods' namespace
   * @param deployment one deployment, or none for the whole namespace
   * @param utilisation CPU use as a share of the request (1.0 = all of it)
   */
  record Load(
      @NotNull @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String namespace,
      @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String deployment,
      @NotNull @DecimalMin("0") @DecimalMax("10") Double utilisation) {}

  @PutMapping("/clusters/{cluster}/load")
  ResponseEntity<Void> load(@PathVariable String cluster, @Valid @RequestBody Load load) {
    clusters.sim().load(cluster, load.namespace(), load.deployment(), load.utilisation());
    return ResponseEntity.noContent().build();
  }

  /**
   * @param ready false: the Deployment's pods run but never turn Ready (a failing readiness probe)
   */
  record Readiness(
      @NotNull @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String namespace,
      @NotNull @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String deployment,
      @NotNull Boolean ready) {}

  @PutMapping("/clusters/{cluster}/readiness")
  ResponseEntity<Void> readiness(
      @PathVariable String cluster, @Valid @RequestBody Readiness readiness) {
    clusters.sim().ready(cluster, readiness.namespace(), readiness.deployment(), readiness.ready());
    return ResponseEntity.noContent().build();
  }

  /** Asked of a simulator that writes no container logs. */
  @ExceptionHandler(ContainerLogs.Off.class)
  ResponseEntity<ProblemDetail> off(ContainerLogs.Off e) {
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .body(Problems.of(HttpStatus.CONFLICT, "container-logs-off", e.getMessage(), List.of()));
  }

  /**
   * What a Deployment's containers write to their logs; {@code linesPerSecond} 0 makes them quiet.
   *
   * @param linesPerSecond records per second per container
   * @param lineLength an ordinary record's length in characters
   * @param stderrShare the share of records on stderr
   * @param stackTraceShare the share of records that are Java stack traces (several lines)
   * @param longLineShare the share of records longer than 16 KiB (partial lines)
   */
  record Chatter(
      @NotNull @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String namespace,
      @NotNull @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") String deployment,
      @NotNull @DecimalMin("0") @DecimalMax("100000") Double linesPerSecond,
      @NotNull @Min(20) @Max(1048576) Integer lineLength,
      @NotNull @DecimalMin("0") @DecimalMax("1") Double stderrShare,
      @NotNull @DecimalMin("0") @DecimalMax("1") Double stackTraceShare,
      @NotNull @DecimalMin("0") @DecimalMax("1") Double longLineShare) {}

  @PutMapping("/clusters/{cluster}/logs")
  ResponseEntity<Void> logs(@PathVariable String cluster, @Valid @RequestBody Chatter chatter) {
    clusters
        .sim()
        .chatter(
            cluster,
            chatter.namespace(),
            chatter.deployment(),
            new ContainerLogs.Chatter(
                chatter.linesPerSecond(),
                chatter.lineLength(),
                chatter.stderrShare(),
                chatter.stackTraceShare(),
                chatter.longLineShare()));
    return ResponseEntity.noContent().build();
  }

  /** What the cluster saw happen to the Deployments of {@code namespace} (all without it). */
  @GetMapping("/clusters/{cluster}/timeline")
  List<ClusterLifecycle.TimelineEntry> timeline(
      @PathVariable String cluster, @RequestParam(required = false) String namespace) {
    return clusters.sim().timeline(cluster, namespace);
  }
}
