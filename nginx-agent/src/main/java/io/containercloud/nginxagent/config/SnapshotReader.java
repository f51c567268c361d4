package io.containercloud.nginxagent.config;

import io.containercloud.nginx.model.ManagedCertificate;
import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.NginxKeys;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginx.model.VirtualServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one cluster's keys from etcd at a single revision, and makes a {@link Snapshot} of them
 * that validates every object again with the same allow-lists as nginx-mgr: etcd may have been
 * written by hand, and what fails is left out (and reported), never rendered.
 */
public final class SnapshotReader {

  private static final long TIMEOUT_S = 10;

  private final KV kv;
  private final JsonMapper json;
  private final Validator validator;
  private final String cluster;
  private final String clusterKey;

  /**
   * Each key's document as last assembled, parsed and checked once per modification: a snapshot
   * after a change finds one document changed among all of the cluster's. Only the agent's loop
   * assembles.
   */
  private Map<String, Parsed> parsed = new HashMap<>();

  /** A document at a modification: its value, or why it is left out. */
  private record Parsed(long modRevision, Object value, String problem) {}

  public SnapshotReader(KV kv, JsonMapper json, Validator validator, String cluster) {
    this.kv = kv;
    this.json = json;
    this.validator = validator;
    this.cluster = cluster;
    this.clusterKey = NginxKeys.cluster(cluster);
  }

  /** The cluster's keys at etcd's current revision. */
  public Read read() throws ExecutionException, InterruptedException, TimeoutException {
    // one range holds the cluster's document and everything under it: one read, one revision
    GetResponse range =
        kv.get(rangeStart(), GetOption.builder().withRange(rangeEnd()).build())
            .get(TIMEOUT_S, TimeUnit.SECONDS);
    return new Read(
        range.getHeader().getRevision(),
        range.getKvs().stream().filter(kv -> holds(kv.getKey())).toList());
  }

  /** The keys of a cluster at a revision. */
  public record Read(long revision, List<KeyValue> keys) {}

  /**
   * The range to watch for the cluster: its document and what is under it, with other keys that
   * sort between (a cluster named {@code shop-2} beside {@code shop}) that {@link #holds} tells
   * apart.
   */
  public ByteSequence rangeStart() {
    return bytes(clusterKey);
  }

  /**
   * The end (exclusive) of {@link #rangeStart()}'s range: the key after every {@code <key>/...}.
   */
  public ByteSequence rangeEnd() {
    return bytes(clusterKey + (char) ('/' + 1));
  }

  /** Whether {@code key} is the cluster's document or one under it. */
  public boolean holds(ByteSequence key) {
    String text = key.toString(StandardCharsets.UTF_8);
    return text.equals(clusterKey) || text.startsWith(clusterKey + "/");
  }

  /** The cluster as {@code keys} (all of its keys at {@code revision}) hold it. */
  public Snapshot assemble(long revision, Collection<KeyValue> keys) {
    List<String> problems = new ArrayList<>();
    Map<String, Parsed> read = new HashMap<>();
    NginxCluster clusterSettings = null;
    List<VirtualServer> servers = new ArrayList<>();
    List<Upstream> upstreams = new ArrayList<>();
    List<ManagedCertificate> certificates = new ArrayList<>();
    Map<Snapshot.Ref, Long> revisions = new HashMap<>();
    for (KeyValue child : keys) {
      String key = child.getKey().toString(StandardCharsets.UTF_8);
      if (key.equals(clusterKey)) {
        clusterSettings = parse(child, NginxCluster.class, problems, read);
      } else if (key.startsWith(NginxKeys.servers(cluster))) {
        VirtualServer server = parse(child, VirtualServer.class, problems, read);
        if (server != null) {
          servers.add(server);
          revisions.put(Snapshot.Ref.server(server.name()), child.getModRevision());
        }
      } else if (key.startsWith(NginxKeys.upstreams(cluster))) {
        Upstream upstream = parse(child, Upstream.class, problems, read);
        if (upstream != null) {
          upstreams.add(upstream);
          revisions.put(Snapshot.Ref.upstream(upstream.name()), child.getModRevision());
        }
      } else if (key.startsWith(NginxKeys.certificates(cluster))) {
        ManagedCertificate certificate = parse(child, ManagedCertificate.class, problems, read);
        if (certificate != null) {
          certificates.add(certificate);
        }
      }
    }
    parsed = read;
    return new Snapshot(
        revision, clusterSettings, servers, upstreams, certificates, revisions, problems);
  }

  /** The document of {@code stored}, or null when it is left out (and why, in problems). */
  private <T> T parse(
      KeyValue stored, Class<T> type, List<String> problems, Map<String, Parsed> read) {
    String key = stored.getKey().toString(StandardCharsets.UTF_8);
    Parsed known = parsed.get(key);
    if (known == null || known.modRevision() != stored.getModRevision()) {
      known = check(key, stored, type);
    }
    read.put(key, known);
    if (known.problem() != null) {
      problems.add(known.problem());
    }
    return type.cast(known.value());
  }

  private <T> Parsed check(String key, KeyValue stored, Class<T> type) {
    long modRevision = stored.getModRevision();
    try {
      T value = json.readValue(stored.getValue().getBytes(), type);
      Set<ConstraintViolation<T>> violations = validator.validate(value);
      if (violations.isEmpty()) {
        return new Parsed(modRevision, value, null);
      }
      return new Parsed(
          modRevision,
          null,
          key
              + " left out: "
              + violations.stream()
                  .map(v -> v.getPropertyPath() + " " + v.getMessage())
                  .sorted()
                  .collect(Collectors.joining("; ")));
    } catch (JacksonException e) {
      return new Parsed(
          modRevision, null, key + " left out: not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
