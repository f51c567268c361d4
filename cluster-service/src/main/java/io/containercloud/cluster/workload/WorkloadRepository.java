package io.containercloud.cluster.workload;

import io.containercloud.cluster.registry.ClusterUsage;
import io.containercloud.cluster.workload.model.Autoscale;
import io.containercloud.cluster.workload.model.ReconcileOutcome;
import io.containercloud.cluster.workload.model.Workload;
import io.containercloud.cluster.workload.model.WorkloadSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class WorkloadRepository implements ClusterUsage {

  private static final String COLUMNS =
      "id, tenant, name, spec, image, replicas, autoscale, state, version, created_at";

  /** Bounds the parsed specs kept; when full it starts over, costing only parsing again. */
  private static final int MAX_SPECS = 10_000;

  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final Map<String, WorkloadSpec> specs = new ConcurrentHashMap<>();

  WorkloadRepository(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The new workload's id, or empty when the tenant has one of that name. */
  OptionalLong insert(
      String tenant,
      String name,
      WorkloadSpec spec,
      String image,
      int replicas,
      Autoscale autoscale) {
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    try {
      jdbc.update(
          connection -> {
            var statement =
                connection.prepareStatement(
                    "INSERT INTO workload (tenant, name, spec, image, replicas, autoscale)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                    new String[] {"id"});
            statement.setString(1, tenant);
            statement.setString(2, name);
            statement.setString(3, json.writeValueAsString(spec));
            statement.setString(4, image);
            statement.setInt(5, replicas);
            statement.setString(6, autoscale == null ? null : json.writeValueAsString(autoscale));
            return statement;
          },
          key);
    } catch (DuplicateKeyException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(key.getKey().longValue());
  }

  Optional<Workload> find(String tenant, String name) {
    return one("WHERE tenant = ? AND name = ?", tenant, name);
  }

  Optional<Workload> find(long id) {
    return one("WHERE id = ?", id);
  }

  /** The stored ones of the workloads named {@code tenant/name}, in one query per hundred. */
  List<Workload> findAll(List<String> keys) {
    List<Workload> found = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += 100) {
      List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 100));
      List<Object> args = new ArrayList<>();
      for (String key : chunk) {
        int slash = key.indexOf('/');
        args.add(key.substring(0, slash));
        args.add(key.substring(slash + 1));
      }
      String pairs = String.join(",", chunk.stream().map(k -> "(?,?)").toList());
      found.addAll(
          withClusters(
              jdbc.query(
                  "SELECT " + COLUMNS + " FROM workload WHERE (tenant, name) IN (" + pairs + ")",
                  this::map,
                  args.toArray())));
    }
    return found;
  }

  /** The {@code tenant/name} of every workload, oldest first. */
  List<String> keys() {
    return jdbc.queryForList(
        "SELECT CONCAT(tenant, '/', name) FROM workload ORDER BY id", String.class);
  }

  /** Every workload of {@code tenant}, or of all tenants when null. */
  List<Workload> list(String tenant) {
    return tenant == null
        ? withClusters(jdbc.query("SELECT " + COLUMNS + " FROM workload ORDER BY id", this::map))
        : withClusters(
            jdbc.query(
                "SELECT " + COLUMNS + " FROM workload WHERE tenant = ? ORDER BY name",
                this::map,
                tenant));
  }

  /** The active workloads of {@code tenant} that follow {@code repository} (registry included). */
  List<Workload> following(String tenant, String repository) {
    return withClusters(
        jdbc.query(
            "SELECT "
                + COLUMNS
                + " FROM workload WHERE tenant = ? AND state = 'ACTIVE'"
                + " AND JSON_VALUE(spec, '$.follow.repository') = ? ORDER BY name",
            this::map,
            tenant,
            repository));
  }

  /** Sets the fields a change touches, unless {@code version} is no longer current. */
  VersionedWrite update(long id, long version, int replicas, String image, Autoscale autoscale) {
    return written(
        jdbc.update(
            "UPDATE workload SET replicas = ?, image = ?, autoscale = ?, version = version + 1"
                + " WHERE id = ? AND version = ? AND state = 'ACTIVE'",
            replicas,
            image,
            autoscale == null ? null : json.writeValueAsString(autoscale),
            id,
            version));
  }

  VersionedWrite updateSpec(long id, long version, WorkloadSpec spec) {
    return written(
        jdbc.update(
            "UPDATE workload SET spec = ?, version = version + 1"
                + " WHERE id = ? AND version = ? AND state = 'ACTIVE'",
            json.writeValueAsString(spec),
            id,
            version));
  }

  /** Claims the workload at {@code version} for a change of its split. */
  VersionedWrite bump(long id, long version) {
    return written(
        jdbc.update(
            "UPDATE workload SET version = version + 1"
                + " WHERE id = ? AND version = ? AND state = 'ACTIVE'",
            id,
            version));
  }

  VersionedWrite markDeleting(long id, long version) {
    return written(
        jdbc.update(
            "UPDATE workload SET state = 'DELETING', version = version + 1"
                + " WHERE id = ? AND version = ? AND state = 'ACTIVE'",
            id,
            version));
  }

  private static VersionedWrite written(int rows) {
    return rows == 1 ? new VersionedWrite.Written() : new VersionedWrite.Stale();
  }

  /** Workloads with a row in the cluster: replicas there, or objects not yet removed. */
  @Override
  public int workloadsOn(String cluster) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM workload_cluster WHERE cluster = ?", Integer.class, cluster);
  }

  void delete(long id) {
    jdbc.update("DELETE FROM workload WHERE id = ?", id);
  }

  /**
   * Makes the stored split equal to {@code split}: listed clusters get their count (new rows start
   * on {@code image}), clusters not listed go to zero and keep their row until the reconciler has
   * scaled them down.
   */
  void setSplit(Workload workload, Map<String, Integer> split, String image) {
    for (Workload.Placed placed : workload.clusters()) {
      if (!split.containsKey(placed.cluster()) && placed.replicas() != 0) {
        jdbc.update(
            "UPDATE workload_cluster SET replicas = 0 WHERE workload_id = ? AND cluster = ?",
            workload.id(),
            placed.cluster());
      }
    }
    split.forEach(
        (cluster, replicas) ->
            jdbc.update(
                "INSERT INTO workload_cluster (workload_id, cluster, replicas, image)"
                    + " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE replicas = VALUES(replicas),"
                    + " next_attempt_at = NULL",
                workload.id(),
                cluster,
                replicas,
                image));
  }

  void setImage(long id, String cluster, String image) {
    jdbc.update(
        "UPDATE workload_cluster SET image = ?, settled = FALSE, next_attempt_at = NULL,"
            + " waiting_for = NULL WHERE workload_id = ? AND cluster = ?",
        image,
        id,
        cluster);
  }

  /** Why a cluster has not taken the workload's image yet; null when nothing holds it back. */
  void recordWaiting(long id, String cluster, String waitingFor) {
    jdbc.update(
        "UPDATE workload_cluster SET waiting_for = ? WHERE workload_id = ? AND cluster = ?",
        waitingFor == null ? null : waitingFor.substring(0, Math.min(waitingFor.length(), 1024)),
        id,
        cluster);
  }

  /** What one reconcile of one cluster found; a success clears the error and the backoff. */
  void recordStatus(long id, String cluster, ReconcileOutcome outcome) {
    if (outcome instanceof ReconcileOutcome.Failed failed) {
      jdbc.update(
          "UPDATE workload_cluster SET ready = ?, settled = FALSE, last_error = ?, failures = ?,"
              + " next_attempt_at = ?, reconciled_at = ? WHERE workload_id = ? AND cluster = ?",
          failed.ready(),
          failed.error().substring(0, Math.min(failed.error().length(), 1024)),
          failed.failures(),
          Timestamp.from(failed.retryAt()),
          Timestamp.from(failed.at()),
          id,
          cluster);
    } else {
      ReconcileOutcome.Reconciled reconciled = (ReconcileOutcome.Reconciled) outcome;
      jdbc.update(
          "UPDATE workload_cluster SET ready = ?, settled = ?, last_error = NULL, failures = 0,"
              + " next_attempt_at = NULL, reconciled_at = ? WHERE workload_id = ? AND cluster = ?",
          reconciled.ready(),
          reconciled.settled(),
          Timestamp.from(reconciled.at()),
          id,
          cluster);
    }
  }

  /** A workload's placement in one cluster, as the key of its row. */
  record PlacementKey(long workloadId, String cluster) {}

  /**
   * Records that these placements were compared at {@code at} and found as recorded: one statement
   * per hundred, since a full round confirms every placement that did not change.
   */
  void confirmReconciled(List<PlacementKey> keys, Instant at) {
    for (int from = 0; from < keys.size(); from += 100) {
      List<PlacementKey> chunk = keys.subList(from, Math.min(keys.size(), from + 100));
      List<Object> args = new ArrayList<>();
      args.add(Timestamp.from(at));
      chunk.forEach(
          k -> {
            args.add(k.workloadId());
            args.add(k.cluster());
          });
      String pairs = String.join(",", chunk.stream().map(k -> "(?,?)").toList());
      jdbc.update(
          "UPDATE workload_cluster SET reconciled_at = ? WHERE (workload_id, cluster) IN ("
              + pairs
              + ")",
          args.toArray());
    }
  }

  /** A failed cluster's replicas serve nothing, whatever was last seen there. */
  void unserved(long id, String cluster) {
    jdbc.update(
        "UPDATE workload_cluster SET ready = 0, settled = FALSE WHERE workload_id = ? AND cluster = ?",
        id,
        cluster);
  }

  void recordEndpoints(long id, String cluster, List<String> endpoints) {
    jdbc.update(
        "UPDATE workload_cluster SET endpoints = ? WHERE workload_id = ? AND cluster = ?",
        json.writeValueAsString(endpoints),
        id,
        cluster);
  }

  void deletePlacement(long id, String cluster) {
    jdbc.update("DELETE FROM workload_cluster WHERE workload_id = ? AND cluster = ?", id, cluster);
  }

  private Optional<Workload> one(String where, Object... args) {
    return withClusters(
            jdbc.query("SELECT " + COLUMNS + " FROM workload " + where, this::map, args))
        .stream()
        .findFirst();
  }

  private List<Workload> withClusters(List<Workload> workloads) {
    if (workloads.isEmpty()) {
      return workloads;
    }
    Map<Long, List<Workload.Placed>> placed = new HashMap<>();
    String ids = String.join(",", workloads.stream().map(w -> "?").toList());
    jdbc.query(
        "SELECT workload_id, cluster, replicas, image, ready, settled, last_error, failures,"
            + " next_attempt_at, reconciled_at, endpoints, waiting_for FROM workload_cluster"
            + " WHERE workload_id IN ("
            + ids
            + ") ORDER BY cluster",
        rs -> {
          placed
              .computeIfAbsent(rs.getLong("workload_id"), id -> new ArrayList<>())
              .add(
                  new Workload.Placed(
                      rs.getString("cluster"),
                      rs.getInt("replicas"),
                      rs.getString("image"),
                      rs.getInt("ready"),
                      rs.getBoolean("settled"),
                      rs.getString("last_error"),
                      rs.getInt("failures"),
                      instant(rs, "next_attempt_at"),
                      instant(rs, "reconciled_at"),
                      rs.getString("endpoints") == null
                          ? null
                          : json.readValue(
                              rs.getString("endpoints"), new TypeReference<List<String>>() {}),
                      rs.getString("waiting_for")));
        },
        workloads.stream().map(Workload::id).toArray());
    return workloads.stream()
        .map(
            w ->
                new Workload(
                    w.id(),
                    w.tenant(),
                    w.name(),
                    w.spec(),
                    w.image(),
                    w.replicas(),
                    w.autoscale(),
                    w.deleting(),
                    w.version(),
                    w.createdAt(),
                    List.copyOf(placed.getOrDefault(w.id(), List.of()))))
        .toList();
  }

  private Workload map(ResultSet rs, int row) throws SQLException {
    String autoscale = rs.getString("autoscale");
    return new Workload(
        rs.getLong("id"),
        rs.getString("tenant"),
        rs.getString("name"),
        spec(rs.getString("spec")),
        rs.getString("image"),
        rs.getInt("replicas"),
        autoscale == null ? null : json.readValue(autoscale, Autoscale.class),
        "DELETING".equals(rs.getString("state")),
        rs.getLong("version"),
        rs.getTimestamp("created_at").toInstant(),
        List.of());
  }

  /**
   * A stored spec, parsed once per distinct text: a reconcile reads its workload again and again,
   * and parsing the same JSON each time was a tenth of the reconciler's reads. Specs are immutable.
   */
  private WorkloadSpec spec(String text) {
    WorkloadSpec known = specs.get(text);
    if (known != null) {
      return known;
    }
    WorkloadSpec parsed = json.readValue(text, WorkloadSpec.class);
    if (specs.size() >= MAX_SPECS) {
      specs.clear();
    }
    specs.put(text, parsed);
    return parsed;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp timestamp = rs.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }
}
