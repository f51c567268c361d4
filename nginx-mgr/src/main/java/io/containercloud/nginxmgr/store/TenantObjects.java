package io.containercloud.nginxmgr.store;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.TenantOwned;
import io.containercloud.nginxmgr.store.Documents.Page;
import io.containercloud.nginxmgr.store.Documents.Versioned;
import io.etcd.jetcd.op.Op;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Objects inside an nginx cluster that belong to a tenant (servers, upstreams, certificates): a
 * tenant's users see and change only their tenant's, platform admins all; viewers change nothing.
 * Another tenant's object answers 404, as if it did not exist.
 */
public final class TenantObjects<T extends TenantOwned> {

  private final Documents documents;
  private final Class<T> type;
  private final String kind;
  private final Function<String, String> prefixOfCluster;
  private final Admission<T> admission;

  /**
   * Checks an object, as it will be stored (owner set), against what it refers to before any write:
   * what passes field validation may still not work (a certificate that does not exist, a host name
   * that does not resolve).
   */
  @FunctionalInterface
  public interface Admission<T> {

    /**
     * @throws io.containercloud.common.error.ProblemException (422) naming the field and reason
     */
    void admit(String cluster, T object);
  }

  public TenantObjects(
      Documents documents, Class<T> type, String kind, Function<String, String> prefixOfCluster) {
    this(documents, type, kind, prefixOfCluster, (cluster, object) -> {});
  }

  public TenantObjects(
      Documents documents,
      Class<T> type,
      String kind,
      Function<String, String> prefixOfCluster,
      Admission<T> admission) {
    this.documents = documents;
    this.type = type;
    this.kind = kind;
    this.prefixOfCluster = prefixOfCluster;
    this.admission = admission;
  }

  public Page<T> list(String cluster, String cursor, int limit) {
    requireCluster(cluster);
    Caller caller = Caller.current();
    return documents.list(
        prefixOfCluster.apply(cluster),
        type,
        cursor,
        limit,
        key -> true,
        o -> caller.canSee(o.tenant()));
  }

  public Versioned<T> get(String cluster, String name) {
    return documents
        .get(key(cluster, name), type)
        .filter(o -> Caller.current().canSee(o.value().tenant()))
        .orElseThrow(() -> ProblemException.notFound(kind, cluster + "/" + name));
  }

  /** Creates the object in the caller's tenant (a platform admin may name another). */
  public Versioned<T> create(String cluster, TenantRequest<T> request) {
    requireCluster(cluster);
    T owned = request.toDocument(tenantFor(request), null);
    admission.admit(cluster, owned);
    return new Versioned<>(
        owned, documents.create(key(cluster, owned.name()), owned, documents.touch(cluster)));
  }

  public Versioned<T> replace(
      String cluster, String name, String ifMatch, TenantRequest<T> request) {
    if (!request.name().equals(name)) {
      throw ProblemException.immutable("name", name);
    }
    T current = get(cluster, name).value();
    requireWriter();
    if (request.tenant() != null && !request.tenant().equals(current.tenant())) {
      throw ProblemException.immutable("tenant", current.tenant()); // objects stay with a tenant
    }
    long expected = Versions.required(ifMatch);
    T owned = request.toDocument(current.tenant(), current);
    admission.admit(cluster, owned);
    return new Versioned<>(
        owned, documents.replace(key(cluster, name), owned, expected, documents.touch(cluster)));
  }

  public void delete(String cluster, String name, String ifMatch) {
    get(cluster, name);
    requireWriter();
    documents.delete(key(cluster, name), Versions.required(ifMatch), documents.touch(cluster));
  }

  /**
   * Applies {@code change} (which keeps the tenant) to the current version and commits it together
   * with what {@code alsoDo} derives from the versions before and after (an outbox entry). Guarded
   * by {@code If-Match} when sent, else by the version read here.
   */
  public Versioned<T> change(
      String cluster,
      String name,
      String ifMatch,
      UnaryOperator<T> change,
      BiFunction<T, T, Op> alsoDo) {
    Versioned<T> current = get(cluster, name);
    requireWriter();
    long expected = ifMatch == null ? current.revision() : Versions.required(ifMatch);
    T changed = change.apply(current.value());
    long revision =
        documents.replace(
            key(cluster, name),
            changed,
            expected,
            documents.touch(cluster),
            alsoDo.apply(current.value(), changed));
    return new Versioned<>(changed, revision);
  }

  public List<Versioned<T>> history(String cluster, String name) {
    get(cluster, name);
    return documents.history(key(cluster, name), type, 100);
  }

  /** Makes an earlier revision current again, as a new revision. */
  public Versioned<T> rollback(String cluster, String name, long revision, String ifMatch) {
    T current = get(cluster, name).value();
    requireWriter();
    long expected = Versions.required(ifMatch);
    T earlier =
        documents
            .at(key(cluster, name), revision, type)
            .map(Versioned::value)
            .filter(o -> o.tenant().equals(current.tenant()))
            .orElseThrow(
                () -> ProblemException.notFound("revision of " + kind, Long.toString(revision)));
    admission.admit(cluster, earlier);
    return new Versioned<>(
        earlier,
        documents.replace(key(cluster, name), earlier, expected, documents.touch(cluster)));
  }

  public String key(String cluster, String name) {
    return prefixOfCluster.apply(cluster) + name;
  }

  private void requireCluster(String cluster) {
    if (documents.get(NginxKeys.cluster(cluster), Object.class).isEmpty()) {
      throw ProblemException.notFound("nginx cluster", cluster);
    }
  }

  private String tenantFor(TenantRequest<T> request) {
    Caller caller = requireWriter();
    if (request.tenant() == null || request.tenant().equals(caller.tenant())) {
      return caller.tenant();
    }
    if (!caller.has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden("Only a platform admin creates objects for another tenant.");
    }
    return request.tenant();
  }

  private Caller requireWriter() {
    Caller caller = Caller.current();
    if (!caller.has(Role.PLATFORM_ADMIN)
        && !caller.has(Role.TENANT_ADMIN)
        && !caller.has(Role.DEVELOPER)) {
      throw ProblemException.forbidden(
          "Changing " + kind + "s needs the developer, tenant-admin or platform-admin role.");
    }
    return caller;
  }
}
