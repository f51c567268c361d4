package io.containercloud.kubesim.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cluster's API for kube-sim's own controllers, in the same process: the same store, rules and
 * watch events as over HTTP, without a client, a connection or a text round trip per write. Objects
 * come and go as fabric8's typed model; a refused write throws a {@link KubernetesClientException}
 * with the API server's code and {@code Status}, as the client would.
 *
 * <p>What {@link #inform} hands over arrives in the writer's own thread before the write returns: a
 * controller reads its own writes at once, in the order the cluster made them.
 */
public final class LocalApi {

  /** Receives one kind's objects: the current ones first, then every change. Must not block. */
  public interface Informed<T> {

    /** The object under {@code key} ({@code namespace/name}, or the name) is now this one. */
    void put(String key, Supplier<T> object);

    void remove(String key);
  }

  private final ObjectStore store;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  LocalApi(ObjectStore store) {
    this.store = store;
  }

  /*
   * The writes answer nothing: what they stored reaches the caller's cache before they return
   * ({@link #inform}), and parsing each answer again was a tenth of a busy cluster's rounds.
   */

  public void create(HasMetadata object) {
    ResourceType type = type(object);
    call(() -> store.create(type, namespace(type, object), tree(object)));
  }

  /** A write of the whole object; the version it names must be the stored one. */
  public void update(HasMetadata object) {
    replace(object, false);
  }

  /** A write of the object's status only; the version it names must be the stored one. */
  public void updateStatus(HasMetadata object) {
    replace(object, true);
  }

  /** Creates the object, or writes it over the stored one whatever its version. */
  public void createOrReplace(HasMetadata object) {
    ResourceType type = type(object);
    ObjectNode tree = tree(object);
    ObjectStore.metadata(tree).remove("resourceVersion");
    call(
        () -> {
          try {
            return store.create(type, namespace(type, object), tree.deepCopy());
          } catch (ApiException e) {
            if (e.code() != 409) {
              throw e;
            }
            return store.replace(
                type, namespace(type, object), name(object), current -> tree, false);
          }
        });
  }

  /**
   * Binds a pending pod to the node its spec now names, with the status it carries (addresses,
   * {@code PodScheduled}): kube-apiserver's binding subresource and the first status write, one
   * after the other. The version it names must be the stored one.
   */
  public void bind(Pod pod) {
    ResourceType type = type(pod);
    ObjectNode tree = tree(pod);
    // taken first: the spec write keeps the stored status, in the tree it is given
    JsonNode status = tree.get("status").deepCopy();
    String namespace = namespace(type, pod);
    call(() -> store.replace(type, namespace, name(pod), current -> tree, false));
    call(
        () ->
            store.replace(
                type,
                namespace,
                name(pod),
                current -> {
                  current.set("status", status);
                  return current;
                },
                true));
  }

  private void replace(HasMetadata object, boolean statusOnly) {
    ResourceType type = type(object);
    ObjectNode tree = tree(object);
    call(
        () ->
            store.replace(
                type, namespace(type, object), name(object), current -> tree, statusOnly));
  }

  /** Deletes the object; false when it was gone already. */
  public boolean delete(HasMetadata object) {
    ResourceType type = type(object);
    try {
      store.delete(type, namespace(type, object), name(object));
      return true;
    } catch (ApiException e) {
      if (e.code() == 404) {
        return false;
      }
      throw refused(e);
    }
  }

  /** A deep copy, to change without touching the original. */
  public <T> T copy(T object) {
    return serialization.clone(object);
  }

  /**
   * Hands {@code sink} every object of {@code kind}, then every change, until the returned handle
   * is closed; each object is parsed only when (and if) the sink asks for it.
   */
  public <T extends HasMetadata> AutoCloseable inform(Class<T> kind, Informed<T> sink) {
    ResourceType type = type(kind);
    return store.watch(
        type,
        null,
        Selector.ALL,
        null,
        (event, change) -> {
          ObjectStore.Stored stored = change.object();
          String key = stored.namespace().isEmpty() ? stored.name() : stored.key();
          if (event == ObjectStore.EventType.DELETED) {
            sink.remove(key);
          } else {
            sink.put(key, () -> serialization.unmarshal(stored.json(), kind));
          }
        });
  }

  private ObjectNode tree(HasMetadata object) {
    return serialization.convertValue(object, ObjectNode.class);
  }

  private static ResourceType type(HasMetadata object) {
    return type(object.getClass());
  }

  private static ResourceType type(Class<?> kind) {
    String group = HasMetadata.getGroup(kind);
    return ResourceType.of(
        group == null ? "" : group,
        HasMetadata.getVersion(kind),
        HasMetadata.getPlural(kind),
        Namespaced.class.isAssignableFrom(kind));
  }

  private static String namespace(ResourceType type, HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return type.namespaced() ? (namespace == null ? "default" : namespace) : "";
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  private static <T> T call(Supplier<T> write) {
    try {
      return write.get();
    } catch (ApiException e) {
      throw refused(e);
    }
  }

  private static KubernetesClientException refused(ApiException e) {
    Status status = new StatusBuilder().withCode(e.code()).withMessage(e.getMessage()).build();
    return new KubernetesClientException(e.getMessage(), e.code(), status);
  }
}
