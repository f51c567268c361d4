package io.containercloud.nginxmgr.cluster;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.Syntax;
import io.containercloud.nginxmgr.store.Documents;
import io.containercloud.nginxmgr.store.Documents.Versioned;
import io.containercloud.nginxmgr.store.Versions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** nginx clusters: everyone signed in reads them, platform admins change them. */
@RestController
@Validated
class ClusterResource {

  private final Documents documents;

  ClusterResource(Documents documents) {
    this.documents = documents;
  }

  record ClusterView(NginxCluster cluster, long revision) {
    static ClusterView of(Versioned<NginxCluster> v) {
      return new ClusterView(v.value(), v.revision());
    }
  }

  record ClusterPage(List<ClusterView> items, String next) {}

  @GetMapping("/clusters")
  ClusterPage list(
      @RequestParam(required = false) @Pattern(regexp = Syntax.NAME, message = "must be a cursor")
          String cursor,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
    Documents.Page<NginxCluster> page =
        documents.list(
            NginxKeys.CLUSTERS,
            NginxCluster.class,
            cursor,
            limit,
            key -> !key.contains("/"),
            c -> true);
    return new ClusterPage(page.items().stream().map(ClusterView::of).toList(), page.next());
  }

  @GetMapping("/clusters/{name}")
  ResponseEntity<NginxCluster> get(@PathVariable String name) {
    Versioned<NginxCluster> cluster = find(name);
    return ResponseEntity.ok().eTag(Versions.etag(cluster.revision())).body(cluster.value());
  }

  @PostMapping("/clusters")
  ResponseEntity<NginxCluster> create(@Valid @RequestBody ClusterRequest request) {
    requireAdmin();
    NginxCluster cluster = request.toDocument();
    long revision = documents.create(NginxKeys.cluster(cluster.name()), cluster);
    return ResponseEntity.created(URI.create("/clusters/" + cluster.name()))
        .eTag(Versions.etag(revision))
        .body(cluster);
  }

  @PutMapping("/clusters/{name}")
  ResponseEntity<NginxCluster> replace(
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody ClusterRequest request) {
    requireAdmin();
    NginxCluster cluster = request.toDocument();
    if (!cluster.name().equals(name)) {
      throw ProblemException.immutable("name", name); // clusters are not renamed
    }
    long revision = documents.replace(NginxKeys.cluster(name), cluster, Versions.required(ifMatch));
    return ResponseEntity.ok().eTag(Versions.etag(revision)).body(cluster);
  }

  @DeleteMapping("/clusters/{name}")
  ResponseEntity<Void> delete(
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    requireAdmin();
    long expected = Versions.required(ifMatch);
    boolean empty =
        documents
            .list(NginxKeys.cluster(name) + "/", Object.class, null, 1, key -> true, value -> true)
            .items()
            .isEmpty();
    if (!empty) {
      throw ProblemException.conflict(
          "cluster-not-empty", "Cluster '" + name + "' still has servers or upstreams.");
    }
    documents.delete(NginxKeys.cluster(name), expected);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/clusters/{name}/history")
  List<ClusterView> history(@PathVariable String name) {
    find(name);
    return documents.history(NginxKeys.cluster(name), NginxCluster.class, 100).stream()
        .map(ClusterView::of)
        .toList();
  }

  /** Makes an earlier revision the current one (as a new revision; history is kept). */
  @PostMapping("/clusters/{name}/rollback")
  ResponseEntity<NginxCluster> rollback(
      @PathVariable String name,
      @RequestParam @Min(1) long revision,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    requireAdmin();
    long expected = Versions.required(ifMatch);
    NginxCluster earlier =
        documents
            .at(NginxKeys.cluster(name), revision, NginxCluster.class)
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "revision of cluster " + name, Long.toString(revision)))
            .value();
    long now = documents.replace(NginxKeys.cluster(name), earlier, expected);
    return ResponseEntity.ok().eTag(Versions.etag(now)).body(earlier);
  }

  private Versioned<NginxCluster> find(String name) {
    return documents
        .get(NginxKeys.cluster(name), NginxCluster.class)
        .orElseThrow(() -> ProblemException.notFound("nginx cluster", name));
  }

  private static void requireAdmin() {
    if (!Caller.current().has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden("Changing nginx clusters needs the platform-admin role.");
    }
  }
}
