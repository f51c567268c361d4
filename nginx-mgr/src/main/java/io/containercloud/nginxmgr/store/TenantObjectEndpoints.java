package io.containercloud.nginxmgr.store;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.containercloud.nginx.model.Syntax;
import io.containercloud.nginx.model.TenantOwned;
import io.containercloud.nginxmgr.store.Documents.Versioned;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The HTTP surface of one kind of tenant object in a cluster: paged list, read with ETag, create,
 * replace and delete with If-Match, history and rollback. A subclass names the path. Clients send
 * {@code R}; answers show the stored document {@code T} with its status.
 */
public abstract class TenantObjectEndpoints<T extends TenantOwned, R extends TenantRequest<T>> {

  private final TenantObjects<T> objects;
  private final ObjectStatus.Lookup statuses;
  private final String kind;

  /**
   * @param kind how agents name these objects in their reports ({@code server}, {@code upstream})
   */
  protected TenantObjectEndpoints(
      TenantObjects<T> objects, ObjectStatus.Lookup statuses, String kind) {
    this.objects = objects;
    this.statuses = statuses;
    this.kind = kind;
  }

  protected TenantObjects<T> objects() {
    return objects;
  }

  /** An object, its revision (the ETag value) and where the nginx hosts stand with it. */
  public record View<T>(T object, long revision, ObjectStatus status) {}

  /**
   * An object as the API shows it: its fields, and {@code status} from the agents' reports (read
   * only; ignored when sent back).
   */
  public record Stated<T>(@JsonUnwrapped T object, ObjectStatus status) {}

  /** One earlier state of an object. */
  public record Revision<T>(T object, long revision) {}

  /** A page; {@code next} is the cursor of the following one, or null. */
  public record ViewPage<T>(List<View<T>> items, String next) {}

  @GetMapping
  public ViewPage<T> list(
      @PathVariable("cluster") String clusterName,
      @RequestParam(required = false) @Pattern(regexp = Syntax.NAME, message = "must be a cursor")
          String cursor,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
    Documents.Page<T> page = objects.list(clusterName, cursor, limit);
    ObjectStatus.ForCluster cluster = statuses.of(clusterName);
    return new ViewPage<>(
        page.items().stream()
            .map(
                v ->
                    new View<>(
                        v.value(), v.revision(), cluster.of(kind, v.value().name(), v.revision())))
            .toList(),
        page.next());
  }

  @GetMapping("/{name}")
  public ResponseEntity<Stated<T>> get(@PathVariable String cluster, @PathVariable String name) {
    Versioned<T> object = objects.get(cluster, name);
    return answer(object, statuses.of(cluster).of(kind, name, object.revision()));
  }

  @PostMapping
  public ResponseEntity<Stated<T>> create(
      @PathVariable String cluster, @Valid @RequestBody R request) {
    Versioned<T> created = written(cluster, objects.create(cluster, request));
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{name}")
            .buildAndExpand(request.name())
            .toUri();
    return ResponseEntity.created(location)
        .eTag(Versions.etag(created.revision()))
        .body(new Stated<>(created.value(), statuses.justWritten(cluster)));
  }

  @PutMapping("/{name}")
  public ResponseEntity<Stated<T>> replace(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody R request) {
    return answer(
        written(cluster, objects.replace(cluster, name, ifMatch, request)),
        statuses.justWritten(cluster));
  }

  @DeleteMapping("/{name}")
  public ResponseEntity<Void> delete(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    objects.delete(cluster, name, ifMatch);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{name}/history")
  public List<Revision<T>> history(@PathVariable String cluster, @PathVariable String name) {
    return objects.history(cluster, name).stream()
        .map(v -> new Revision<>(v.value(), v.revision()))
        .toList();
  }

  /** Makes an earlier revision current again, as a new revision. */
  @PostMapping("/{name}/rollback")
  public ResponseEntity<Stated<T>> rollback(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestParam @Min(1) long revision,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    return answer(
        written(cluster, objects.rollback(cluster, name, revision, ifMatch)),
        statuses.justWritten(cluster));
  }

  /**
   * Completes what a create, replace or rollback wrote with what only the platform knows (for
   * example container members); returns the object as it now stands.
   */
  protected Versioned<T> written(String cluster, Versioned<T> object) {
    return object;
  }

  /** The object with its ETag and its status. */
  private ResponseEntity<Stated<T>> answer(Versioned<T> object, ObjectStatus status) {
    return ResponseEntity.ok()
        .eTag(Versions.etag(object.revision()))
        .body(new Stated<>(object.value(), status));
  }
}
