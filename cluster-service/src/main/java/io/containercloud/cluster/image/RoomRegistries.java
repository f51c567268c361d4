package io.containercloud.cluster.image;

import io.containercloud.common.event.contract.ImageSyncFailed;
import io.containercloud.common.event.contract.RoomRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The machine rooms' registries and what each holds, as build-service announces them on {@code
 * image-events}: a room's clusters pull images by their room registry's name, and an upgrade to a
 * digest reaches a room only once its registry holds that digest.
 */
@Component
public class RoomRegistries {

  private final JdbcTemplate jdbc;

  RoomRegistries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * A room's registry.
   *
   * @param registry the host build-service knows it by ({@code 127.0.0.1:15000})
   * @param pullHost the host the room pulls by ({@code registry.room-1.platform.test:15000})
   */
  record Registry(String room, String name, String registry, String pullHost) {

    boolean is(String host) {
      return registry.equals(host) || pullHost.equals(host);
    }
  }

  /** Every room's registry, read once for a round of work. */
  public record Rooms(Map<String, Registry> byRoom) {

    /**
     * {@code image} as the clusters of {@code cluster}'s room pull it: an image in any room's
     * registry is taken from the room's own; any other image, or a room without a registry, is left
     * as it is.
     */
    public String imageFor(String cluster, String image) {
      Registry own = byRoom.get(cluster);
      ImageRef ref = ImageRef.parse(image);
      if (own == null || ref.host() == null || own.pullHost().equals(ref.host()) || !known(ref)) {
        return image;
      }
      return ref.at(own.pullHost());
    }

    private boolean known(ImageRef ref) {
      return byRoom.values().stream().anyMatch(r -> r.is(ref.host()));
    }
  }

  public Rooms rooms() {
    return new Rooms(
        jdbc
            .query(
                "SELECT room, name, registry, pull_host FROM room_registry",
                (rs, row) ->
                    new Registry(
                        rs.getString("room"),
                        rs.getString("name"),
                        rs.getString("registry"),
                        rs.getString("pull_host")))
            .stream()
            .collect(Collectors.toUnmodifiableMap(Registry::room, Function.identity())));
  }

  /**
   * Why {@code cluster} may not take {@code image} yet, or null when it may: an image by digest
   * from one room's registry reaches another room only once that room's registry holds the digest.
   */
  public String waitingFor(Rooms rooms, String cluster, String image) {
    Registry own = rooms.byRoom().get(cluster);
    ImageRef ref = ImageRef.parse(image);
    if (own == null || ref.digest() == null || ref.host() == null || own.is(ref.host())) {
      return null;
    }
    if (!rooms.known(ref) || holds(cluster, ref.repository(), ref.digest())) {
      return null;
    }
    String waiting =
        "registry "
            + own.name()
            + " ("
            + own.pullHost()
            + ") of room "
            + cluster
            + " does not hold "
            + ref.repository()
            + "@"
            + ref.digest()
            + " yet";
    return failure(cluster, ref.repository(), ref.digest())
        .map(reason -> waiting + "; the last sync failed: " + reason)
        .orElse(waiting);
  }

  /**
   * The hosts a push to {@code registry} may be named by in a workload: the host itself and, for a
   * room's registry, the name that room pulls by.
   */
  public List<String> aliases(String registry) {
    List<String> aliases = new ArrayList<>(List.of(registry));
    aliases.addAll(
        jdbc.queryForList(
            "SELECT pull_host FROM room_registry WHERE registry = ? AND pull_host <> ?",
            String.class,
            registry,
            registry));
    return aliases;
  }

  void registered(RoomRegistry registry) {
    jdbc.update(
        "INSERT INTO room_registry (room, name, registry, pull_host) VALUES (?, ?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE name = VALUES(name), registry = VALUES(registry),"
            + " pull_host = VALUES(pull_host)",
        registry.room(),
        registry.name(),
        registry.registry(),
        registry.pullHost());
  }

  void removed(RoomRegistry registry) {
    jdbc.update(
        "DELETE FROM room_registry WHERE room = ? AND name = ?", registry.room(), registry.name());
  }

  /** The host build-service knows a registry by, for {@code host} or the name a room pulls by. */
  String registryOf(String host) {
    return jdbc
        .queryForList("SELECT registry FROM room_registry WHERE pull_host = ?", String.class, host)
        .stream()
        .findFirst()
        .orElse(host);
  }

  /** The room whose registry is {@code registry}, if it is one. */
  Optional<String> roomOf(String registry) {
    return jdbc
        .queryForList("SELECT room FROM room_registry WHERE registry = ?", String.class, registry)
        .stream()
        .findFirst();
  }

  /** {@code room}'s registry holds the digest: the room may take it; a failure before is over. */
  void held(String room, String repository, String digest) {
    jdbc.update(
        "INSERT IGNORE INTO room_image (room, repository, digest) VALUES (?, ?, ?)",
        room,
        repository,
        digest);
    jdbc.update(
        "DELETE FROM room_sync_failure WHERE room = ? AND repository = ?"
            + " AND (digest IS NULL OR digest = ?)",
        room,
        repository,
        digest);
  }

  void failed(ImageSyncFailed failed) {
    jdbc.update(
        "INSERT INTO room_sync_failure (room, repository, tag, digest, reason, attempts)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE tag = VALUES(tag),"
            + " digest = VALUES(digest), reason = VALUES(reason), attempts = VALUES(attempts),"
            + " failed_at = CURRENT_TIMESTAMP(6)",
        failed.room(),
        failed.repository(),
        failed.tag(),
        failed.digest(),
        failed.reason().length() > 512 ? failed.reason().substring(0, 512) : failed.reason(),
        failed.attempts());
  }

  private boolean holds(String room, String repository, String digest) {
    return !jdbc.queryForList(
            "SELECT 1 FROM room_image WHERE room = ? AND repository = ? AND digest = ?",
            Integer.class,
            room,
            repository,
            digest)
        .isEmpty();
  }

  // the last failure of a copy of this repository into the room, unless it was another digest's
  private Optional<String> failure(String room, String repository, String digest) {
    return jdbc
        .query(
            "SELECT tag, reason, attempts FROM room_sync_failure WHERE room = ? AND repository = ?"
                + " AND (digest IS NULL OR digest = ?)",
            (rs, row) ->
                rs.getString("reason")
                    + " (tag "
                    + rs.getString("tag")
                    + ", attempt "
                    + rs.getInt("attempts")
                    + ", retried)",
            room,
            repository,
            digest)
        .stream()
        .findFirst();
  }
}
