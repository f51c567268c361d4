package io.containercloud.kubesim.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One cluster's objects, as etcd and the watch cache hold them for kube-apiserver: every object
 * kept parsed and serialized once per version, one resource version counter for the cluster (bumped
 * only by a write that changes something), and a history of recent changes from which a watch
 * resumes at the version it names (older than the history: {@code 410 Gone}, and the client lists
 * again). Each change is serialized as a watch event once, whoever watches it.
 *
 * <p>Objects get what the API server gives them: a uid, a creation time, generation 1 and a version
 * on create; generation + 1 when anything but metadata and status changes; the stored status kept
 * by writes to the object and everything but the status kept by writes to {@code /status}, for
 * kinds with that subresource. Unlike kube-apiserver, a create keeps the status it carries
 * (kube-sim's kubelet creates pods already bound and its nodes Ready), deletions are immediate (no
 * finalizers or grace periods), and deleting a namespace deletes what it holds at once.
 */
final class ObjectStore {

  /**
   * Changes kept for watches to resume from (each holds its object's version, parsed: a few seconds
   * of a busy cluster, as kube-apiserver's watch cache keeps); a client further behind lists again.
   */
  static final int HISTORY = 2_000;

  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> LABEL_NAMED = Set.of("/namespaces", "/services");
  private static final String SERVICES = "/services";
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  /** One version of an object; never changed once stored. */
  record Stored(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode object,
      String json,
      long version) {

    String key() {
      return namespace + "/" + name;
    }
  }

  enum EventType {
    ADDED,
    MODIFIED,
    DELETED
  }

  /** Receives a watch's events, under the store's lock: it must not block. */
  interface Listener {
    void event(EventType type, Change change);
  }

  /** A write, with the object after it (for a deletion: as it was last) and before it. */
  static final class Change {
    private final EventType type;
    private final Stored object;
    private final Stored before;
    private String frame;

    Change(EventType type, Stored object, Stored before) {
      this.type = type;
      this.object = object;
      this.before = before;
    }

    Stored object() {
      return object;
    }

    /** The watch event, serialized once for every watch that sees it as its own type. */
    String frame(EventType as) {
      if (as != type) {
        return event(as, object);
      }
      if (frame == null) {
        frame = event(type, object);
      }
      return frame;
    }
  }

  /** A list's page: the objects, the cluster's version it shows, and where the next page starts. */
  record Listing(List<Stored> items, long version, String next) {}

  /** An open watch: it receives each matching change's event until closed. */
  final class Watch implements AutoCloseable {
    private final ResourceType type;
    private final String namespace;
    private final Selector selector;
    private final Listener sink;

    private Watch(ResourceType type, String namespace, Selector selector, Listener sink) {
      this.type = type;
      this.namespace = namespace;
      this.selector = selector;
      this.sink = sink;
    }

    private boolean sees(Stored stored) {
      return stored != null
          && (namespace == null || namespace.equals(stored.namespace()))
          && selector.test(stored.object());
    }

    /** Sends the change as this watch sees it: entering or leaving its selector included. */
    private void offer(Change change) {
      if (!change.object.type().key().equals(type.key())) {
        return;
      }
      boolean now = change.type != EventType.DELETED && sees(change.object);
      boolean before = change.type == EventType.DELETED ? sees(change.object) : sees(change.before);
      if (now && before) {
        sink.event(EventType.MODIFIED, change);
      } else if (now) {
        sink.event(EventType.ADDED, change);
      } else if (before) {
        sink.event(EventType.DELETED, change);
      }
    }

    @Override
    public void close() {
      synchronized (ObjectStore.this) {
        watches.remove(this);
      }
    }
  }

  private final JsonMapper json;
  private final Map<String, NavigableMap<String, Stored>> objects = new HashMap<>();
  private final ArrayDeque<Change> history = new ArrayDeque<>();
  private final List<Watch> watches = new ArrayList<>();
  private long version;
  private long forgottenUpTo;

  private final int historySize;

  ObjectStore(JsonMapper json) {
    this(json, HISTORY);
  }

  /** With a history of {@code historySize} changes. */
  ObjectStore(JsonMapper json, int historySize) {
    this.json = json;
    this.historySize = historySize;
  }

  synchronized long version() {
    return version;
  }

  synchronized Stored get(ResourceType type, String namespace, String name) {
    return find(type, namespace, name).orElseThrow(() -> ApiException.notFound(type, name));
  }

  synchronized Optional<Stored> find(ResourceType type, String namespace, String name) {
    return Optional.ofNullable(collection(type).get(namespace + "/" + name));
  }

  /**
   * A page of the matching objects in the order of their namespace and name, from after {@code
   * continueAfter} (a previous page's {@code next}), at most {@code limit} (0: all).
   */
  synchronized Listing list(
      ResourceType type, String namespace, Selector selector, int limit, String continueAfter) {
    NavigableMap<String, Stored> scope = scope(type, namespace);
    if (continueAfter != null) {
      scope = scope.tailMap(continueAfter, false);
    }
    List<Stored> items = new ArrayList<>();
    for (Stored stored : scope.values()) {
      if (selector.test(stored.object())) {
        if (limit > 0 && items.size() == limit) {
          return new Listing(items, version, items.get(items.size() - 1).key());
        }
        items.add(stored);
      }
    }
    return new Listing(items, version, null);
  }

  synchronized Stored create(ResourceType type, String namespace, ObjectNode object) {
    return create(type, namespace, object, false);
  }

  /** With {@code dryRun}, checks and answers what a create would store, storing nothing. */
  synchronized Stored create(
      ResourceType type, String namespace, ObjectNode object, boolean dryRun) {
    ObjectNode metadata = metadata(object);
    String name = text(metadata, "name");
    if (name == null || name.isEmpty()) {
      String prefix = text(metadata, "generateName");
      if (prefix == null || prefix.isEmpty()) {
        throw ApiException.invalid(
            type, "", "metadata.name: Required value: name or generateName is required");
      }
      do {
        name = prefix + randomSuffix();
      } while (collection(type).containsKey(namespace + "/" + name));
      metadata.put("name", name);
    }
    validateName(type, name);
    if (type.namespaced()) {
      metadata.put("namespace", namespace);
    } else {
      metadata.remove("namespace");
    }
    if (collection(type).containsKey(namespace + "/" + name)) {
      throw ApiException.alreadyExists(type, name);
    }
    if (type.kind() != null) {
      object.put("apiVersion", type.apiVersion());
      object.put("kind", type.kind());
    }
    Defaults.apply(type, object);
    if (type.key().equals(SERVICES)) {
      clusterIp(type, name, (ObjectNode) object.get("spec"), null); // defaults made the spec
    }
    Validation.check(type, name, object, null);
    metadata.put("uid", UUID.randomUUID().toString());
    metadata.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    metadata.put("generation", 1);
    metadata.remove("deletionTimestamp");
    metadata.remove("managedFields");
    if (dryRun) {
      return unstored(type, namespace, name, object);
    }
    Stored stored = store(type, namespace, name, object);
    record(new Change(EventType.ADDED, stored, null));
    return stored;
  }

  /**
   * Writes what {@code next} makes of the stored object (a new tree, the stored one is never
   * changed): to the object itself, or to its status only. A version the new object names that is
   * not the stored one is a conflict; a write that changes nothing stores nothing.
   */
  synchronized Stored replace(
      ResourceType type,
      String namespace,
      String name,
      UnaryOperator<ObjectNode> next,
      boolean statusOnly) {
    return replace(type, namespace, name, next, statusOnly, false);
  }

  /** With {@code dryRun}, checks and answers what the write would store, storing nothing. */
  synchronized Stored replace(
      ResourceType type,
      String namespace,
      String name,
      UnaryOperator<ObjectNode> next,
      boolean statusOnly,
      boolean dryRun) {
    Stored current = get(type, namespace, name);
    ObjectNode wanted = next.apply(current.object().deepCopy());
    ObjectNode metadata = metadata(wanted);
    String expected = text(metadata, "resourceVersion");
    if (expected != null && !expected.isEmpty() && !expected.equals(version(current))) {
      throw ApiException.conflict(type, name);
    }
    String named = text(metadata, "name");
    if (named != null && !named.isEmpty() && !named.equals(name)) {
      throw ApiException.nameMismatch(named, name);
    }
    ObjectNode result;
    if (statusOnly) {
      result = current.object().deepCopy();
      setOrRemove(result, "status", wanted.get("status"));
    } else {
      result = wanted;
      if (type.status()) {
        setOrRemove(result, "status", current.object().get("status"));
      }
      ObjectNode kept = metadata(current.object());
      ObjectNode written = metadata(result);
      for (String field : List.of("name", "namespace", "uid", "creationTimestamp", "generation")) {
        setOrRemove(written, field, kept.get(field));
      }
      if (type.kind() != null) {
        result.put("apiVersion", type.apiVersion());
        result.put("kind", type.kind());
      }
      Defaults.apply(type, result);
      if (type.key().equals(SERVICES)) {
        clusterIp(type, name, (ObjectNode) result.get("spec"), current.object().path("spec"));
      }
      Validation.check(type, name, result, current.object());
      if (specChanged(current.object(), result)) {
        written.put("generation", kept.path("generation").asLong(0) + 1);
      }
    }
    metadata(result).put("resourceVersion", version(current));
    metadata(result).remove("managedFields");
    if (result.equals(current.object())) {
      return current;
    }
    if (dryRun) {
      return unstored(type, namespace, name, result);
    }
    Stored stored = store(type, namespace, name, result);
    record(new Change(EventType.MODIFIED, stored, current));
    return stored;
  }

  synchronized Stored delete(ResourceType type, String namespace, String name) {
    return delete(type, namespace, name, false);
  }

  /** With {@code dryRun}, answers what would be deleted, deleting nothing. */
  synchronized Stored delete(ResourceType type, String namespace, String name, boolean dryRun) {
    Stored current = get(type, namespace, name);
    if (dryRun) {
      return current;
    }
    Stored gone = remove(current);
    if (type.key().equals("/namespaces")) {
      objects
          .values()
          .forEach(collection -> deleteAll(collection.subMap(name + "/", true, name + "0", false)));
    }
    return gone;
  }

  /** Deletes the matching objects, each with its own event; what they were. */
  synchronized List<Stored> deleteAll(ResourceType type, String namespace, Selector selector) {
    List<Stored> deleted = new ArrayList<>();
    for (Stored stored : List.copyOf(scope(type, namespace).values())) {
      if (selector.test(stored.object())) {
        deleted.add(delete(type, stored.namespace(), stored.name()));
      }
    }
    return deleted;
  }

  /**
   * Opens a watch: from {@code from} (the changes after it, {@code 410} when they are no longer
   * kept), or with none ({@code null}, empty or "0") from the current objects, each sent as added.
   */
  synchronized Watch watch(
      ResourceType type, String namespace, Selector selector, String from, Listener sink) {
    Watch watch = new Watch(type, namespace, selector, sink);
    if (from == null || from.isEmpty() || from.equals("0")) {
      for (Stored stored : scope(type, namespace).values()) {
        if (selector.test(stored.object())) {
          sink.event(EventType.ADDED, new Change(EventType.ADDED, stored, null));
        }
      }
    } else {
      long since;
      try {
        since = Long.parseLong(from);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("invalid resource version: " + from);
      }
      if (since < forgottenUpTo) {
        throw ApiException.gone(
            "too old resource version: " + since + " (" + (forgottenUpTo + 1) + ")");
      }
      for (Change change : history) {
        if (change.object.version() > since) {
          watch.offer(change);
        }
      }
    }
    watches.add(watch);
    return watch;
  }

  private void deleteAll(NavigableMap<String, Stored> scope) {
    for (Stored stored : List.copyOf(scope.values())) {
      remove(stored);
    }
  }

  private Stored remove(Stored current) {
    collection(current.type()).remove(current.key());
    version++;
    ObjectNode last = current.object().deepCopy();
    metadata(last).put("resourceVersion", Long.toString(version));
    Stored gone =
        new Stored(
            current.type(),
            current.namespace(),
            current.name(),
            last,
            json.writeValueAsString(last),
            version);
    record(new Change(EventType.DELETED, gone, current));
    return gone;
  }

  private Stored unstored(ResourceType type, String namespace, String name, ObjectNode object) {
    return new Stored(type, namespace, name, object, json.writeValueAsString(object), version);
  }

  private Stored store(ResourceType type, String namespace, String name, ObjectNode object) {
    version++;
    metadata(object).put("resourceVersion", Long.toString(version));
    Stored stored =
        new Stored(type, namespace, name, object, json.writeValueAsString(object), version);
    collection(type).put(stored.key(), stored);
    return stored;
  }

  /**
   * A Service's cluster IP: kept from {@code before} (it cannot change: 422), or the first free one
   * of {@code 10.96.0.0/16} for a new Service that names none; none for {@code ExternalName},
   * {@code None} kept for a headless one.
   */
  private void clusterIp(ResourceType type, String name, ObjectNode spec, JsonNode before) {
    if (spec.path("type").asString().equals("ExternalName")) {
      return;
    }
    String held = before == null ? "" : before.path("clusterIP").asString("");
    String asked = spec.path("clusterIP").asString("");
    if (!held.isEmpty() && !asked.isEmpty() && !asked.equals(held)) {
      throw ApiException.invalid(
          type, name, "spec.clusterIP: Invalid value: \"" + asked + "\": field is immutable");
    }
    String ip = !held.isEmpty() ? held : !asked.isEmpty() ? asked : freeClusterIp();
    spec.put("clusterIP", ip);
    spec.putArray("clusterIPs").add(ip);
    if (!ip.equals("None")) {
      spec.putArray("ipFamilies").add("IPv4");
      spec.put("ipFamilyPolicy", "SingleStack");
    }
  }

  private String freeClusterIp() {
    Set<String> used = new HashSet<>();
    objects
        .getOrDefault(SERVICES, new TreeMap<>())
        .values()
        .forEach(s -> used.add(s.object().path("spec").path("clusterIP").asString("")));
    for (int i = 10; i < 65_534; i++) {
      String ip = "10.96." + (i / 256) + "." + (i % 256);
      if (!used.contains(ip)) {
        return ip;
      }
    }
    throw new IllegalStateException("no free cluster IP in 10.96.0.0/16");
  }

  private void record(Change change) {
    history.addLast(change);
    while (history.size() > historySize) {
      forgottenUpTo = history.removeFirst().object.version();
    }
    for (Watch watch : watches) {
      watch.offer(change);
    }
  }

  private NavigableMap<String, Stored> collection(ResourceType type) {
    return objects.computeIfAbsent(type.key(), k -> new TreeMap<>());
  }

  private NavigableMap<String, Stored> scope(ResourceType type, String namespace) {
    NavigableMap<String, Stored> all = collection(type);
    // keys are namespace/name: '0' follows '/', so this is one namespace's
    return namespace == null ? all : all.subMap(namespace + "/", true, namespace + "0", false);
  }

  private void validateName(ResourceType type, String name) {
    boolean label = LABEL_NAMED.contains(type.key());
    int max = label ? 63 : 253;
    if (name.length() > max || !(label ? LABEL : SUBDOMAIN).matcher(name).matches()) {
      throw ApiException.invalid(
          type,
          name,
          "metadata.name: Invalid value: \""
              + name
              + "\": a lowercase RFC 1123 "
              + (label ? "label" : "subdomain")
              + " must consist of lower case alphanumeric characters, '-' or '.', and must start"
              + " and end with an alphanumeric character");
    }
  }

  /** Whether anything but metadata and status differs. */
  private static boolean specChanged(ObjectNode before, ObjectNode after) {
    Set<String> fields = new HashSet<>(before.propertyNames());
    fields.addAll(after.propertyNames());
    fields.remove("metadata");
    fields.remove("status");
    for (String field : fields) {
      if (!Objects.equals(before.get(field), after.get(field))) {
        return true;
      }
    }
    return false;
  }

  private static String version(Stored stored) {
    return Long.toString(stored.version());
  }

  private static void setOrRemove(ObjectNode object, String field, JsonNode value) {
    if (value == null || value.isMissingNode()) {
      object.remove(field);
    } else {
      object.set(field, value.deepCopy());
    }
  }

  static ObjectNode metadata(ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    if (metadata instanceof ObjectNode node) {
      return node;
    }
    return object.putObject("metadata");
  }

  private static String text(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static String randomSuffix() {
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(NAME_CHARS.charAt(ThreadLocalRandom.current().nextInt(NAME_CHARS.length())));
    }
    return suffix.toString();
  }

  private static String event(EventType type, Stored stored) {
    return "{\"type\":\"" + type + "\",\"object\":" + stored.json() + "}";
  }
}
