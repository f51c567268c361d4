package io.containercloud.nginxmgr.store;

import io.containercloud.common.nginx.Syntax;
import io.containercloud.common.nginx.TenantOwned;
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
 * replace and delete with If-Match, history and rollback. A subclass names the path.
 */
public abstract class TenantObjectEndpoints<T extends TenantOwned<T>> {

  private final TenantObjects<T> objects;

  protected TenantObjectEndpoints(TenantObjects<T> objects) {
    this.objects = objects;
  }

  protected TenantObjects<T> objects() {
    return objects;
  }

  /** An object and its revision (the ETag value). */
  public record View<T>(T object, long revision) {
    static <T> View<T> of(Versioned<T> v) {
      return new View<>(v.value(), v.revision());
    }
  }

  /** A page; {@code next} is the cursor of the following one, or null. */
  public record ViewPage<T>(List<View<T>> items, String next) {}

  @GetMapping
  public ViewPage<T> list(
      @PathVariable String cluster,
      @RequestParam(required = false) @Pattern(regexp = Syntax.NAME, message = "must be a cursor")
          String cursor,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
    Documents.Page<T> page = objects.list(cluster, cursor, limit);
    return new ViewPage<>(page.items().stream().map(View::of).toList(), page.next());
  }

  @GetMapping("/{name}")
  public ResponseEntity<T> get(@PathVariable String cluster, @PathVariable String name) {
    return answer(objects.get(cluster, name));
  }

  @PostMapping
  public ResponseEntity<T> create(@PathVariable String cluster, @Valid @RequestBody T object) {
    Versioned<T> created = written(cluster, objects.create(cluster, object));
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{name}")
            .buildAndExpand(object.name())
            .toUri();
    return ResponseEntity.created(location)
        .eTag(Versions.etag(created.revision()))
        .body(created.value());
  }

  @PutMapping("/{name}")
  public ResponseEntity<T> replace(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody T object) {
    return answer(written(cluster, objects.replace(cluster, name, ifMatch, object)));
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
  public List<View<T>> history(@PathVariable String cluster, @PathVariable String name) {
    return objects.history(cluster, name).stream().map(View::of).toList();
  }

  /** Makes an earlier revision current again, as a new revision. */
  @PostMapping("/{name}/rollback")
  public ResponseEntity<T> rollback(
      @PathVariable String cluster,
      @PathVariable String name,
      @RequestParam @Min(1) long revision,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    return answer(written(cluster, objects.rollback(cluster, name, revision, ifMatch)));
  }

  /**
   * Completes what a create, replace or rollback wrote with what only the platform knows (for
   * example container members); returns the object as it now stands.
   */
  protected Versioned<T> written(String cluster, Versioned<T> object) {
    return object;
  }

  private ResponseEntity<T> answer(Versioned<T> object) {
    return ResponseEntity.ok().eTag(Versions.etag(object.revision())).body(object.value());
  }
}
