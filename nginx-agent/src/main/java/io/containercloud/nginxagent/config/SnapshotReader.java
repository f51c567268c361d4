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
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * Reads one cluster from etcd at a single revision and validates every object again with the same
 * allow-lists as nginx-mgr: etcd may have been written by hand, and what fails is left out (and
 * reported), never rendered.
 */
public final class SnapshotReader {

  private static final long TIMEOUT_S = 10;

  private final KV kv;
  private final JsonMapper json;
  private final Validator validator;
  private final String cluster;

  /**
   * Each key's document as last read, parsed and checked once per modification: a read after a
   * change finds one document changed among all of the cluster's. Only the agent's loop reads.
   */
  private Map<String, Parsed> parsed = new HashMap<>();

  /** A document at a modification: its value, or why it is left out. */
  private record Parsed(long modRevision, Object value, String problem) {}

  public SnapshotReader(KV kv, JsonMapper json, Validator validator, String cluster) {
    this.kv = kv;
    this.json = json;
    this.validator = validator;
    this.cluster = cluster;
  }

  /** The cluster at etcd's current revision. */
  public Snapshot read() throws ExecutionException, InterruptedException, TimeoutException {
    // one read-only transaction: one round trip, both at the same revision
    TxnResponse both =
        kv.txn()
            .Then(
                Op.get(
                    bytes(NginxKeys.cluster(cluster) + "/"),
                    GetOption.builder().isPrefix(true).build()),
                Op.get(bytes(NginxKeys.cluster(cluster)), GetOption.DEFAULT))
            .commit()
            .get(TIMEOUT_S, TimeUnit.SECONDS);
    long revision = both.getHeader().getRevision();
    GetResponse children = both.getGetResponses().get(0);
    GetResponse settings = both.getGetResponses().get(1);
    List<String> problems = new ArrayList<>();
    Map<String, Parsed> read = new HashMap<>();
    NginxCluster clusterSettings =
        settings.getKvs().stream()
            .findFirst()
            .map(kv -> parse(kv, NginxCluster.class, problems, read))
            .orElse(null);
    List<VirtualServer> servers = new ArrayList<>();
    List<Upstream> upstreams = new ArrayList<>();
    List<ManagedCertificate> certificates = new ArrayList<>();
    Map<Snapshot.Ref, Long> revisions = new HashMap<>();
    for (KeyValue child : children.getKvs()) {
      String key = child.getKey().toString(StandardCharsets.UTF_8);
      if (key.startsWith(NginxKeys.servers(cluster))) {
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
