package io.containercloud.cluster.registry;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which clusters are failed over, kept in the database so a new leader continues where the last
 * stopped. Each transition is a guarded update: two instances deciding at once change it once.
 */
@Component
public class ClusterStates {

  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final JdbcTemplate jdbc;

  ClusterStates(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A failed cluster: since when, why, and since when it has looked healthy again (or null). */
  public record Failed(String cluster, Instant failedAt, String reason, Instant healthySince) {}

  /** A guarded transition: made by this call, or made already (by this or another instance). */
  public sealed interface Transition {
    record Made() implements Transition {}

    record AlreadyMade() implements Transition {}
  }

  public Set<String> failed() {
    return new HashSet<>(
        jdbc.queryForList(
            "SELECT cluster FROM cluster_state WHERE failed_at IS NOT NULL", String.class));
  }

  public Optional<Failed> find(String cluster) {
    return jdbc
        .query(
            "SELECT cluster, failed_at, reason, healthy_since FROM cluster_state"
                + " WHERE cluster = ? AND failed_at IS NOT NULL",
            (rs, row) ->
                new Failed(
                    rs.getString("cluster"),
                    rs.getTimestamp("failed_at").toInstant(),
                    rs.getString("reason"),
                    rs.getTimestamp("healthy_since") == null
                        ? null
                        : rs.getTimestamp("healthy_since").toInstant()),
            cluster)
        .stream()
        .findFirst();
  }

  /** Fails the cluster over, unless it was failed over already. */
  public Transition markFailed(String cluster, String reason, Instant at) {
    jdbc.update("INSERT IGNORE INTO cluster_state (cluster) VALUES (?)", cluster);
    return transition(
        jdbc.update(
            "UPDATE cluster_state SET failed_at = ?, reason = ?, healthy_since = NULL"
                + " WHERE cluster = ? AND failed_at IS NULL",
            sqlTime(at),
            reason.substring(0, Math.min(reason.length(), 512)),
            cluster));
  }

  /** Starts the quiet period of a failed cluster. */
  public void startQuietPeriod(String cluster, Instant since) {
    jdbc.update(
        "UPDATE cluster_state SET healthy_since = ? WHERE cluster = ? AND failed_at IS NOT NULL",
        sqlTime(since),
        cluster);
  }

  /** Ends a failed cluster's quiet period before its time: a bad probe came. */
  public void endQuietPeriod(String cluster) {
    jdbc.update(
        "UPDATE cluster_state SET healthy_since = NULL WHERE cluster = ? AND failed_at IS NOT NULL",
        cluster);
  }

  /** Takes the cluster back into service, unless it was not failed over (any more). */
  public Transition markRecovered(String cluster) {
    return transition(
        jdbc.update(
            "UPDATE cluster_state SET failed_at = NULL, reason = NULL, healthy_since = NULL"
                + " WHERE cluster = ? AND failed_at IS NOT NULL",
            cluster));
  }

  private static Transition transition(int updated) {
    return updated == 1 ? new Transition.Made() : new Transition.AlreadyMade();
  }

  void forget(String cluster) {
    jdbc.update("DELETE FROM cluster_state WHERE cluster = ?", cluster);
  }

  /**
   * An instant as text in UTC with microseconds: Connector/J takes MariaDB for MySQL 5.5 and drops
   * the fraction of temporal parameters, which cut up to a second off a quiet period.
   */
  private static String sqlTime(Instant instant) {
    return SQL_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }
}
