package io.containercloud.nginxmgr.store;

import io.containercloud.common.error.ProblemException;
import io.containercloud.nginx.model.NginxKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON documents in etcd, each versioned by its mod revision (the API's ETag). Every change is one
 * transaction guarded by the revision the caller saw, so concurrent edits never overwrite each
 * other; the transaction may carry more operations (an outbox event) that commit with it.
 */
@Component
public class Documents {

  private static final long TIMEOUT_MS = 5_000;
  private static final int BATCH = 500;

  private final KV kv;
  private final JsonMapper json;

  Documents(Client client, JsonMapper json) {
    this.kv = client.getKVClient();
    this.json = json;
  }

  /** A document and the revision that last wrote it. */
  public record Versioned<T>(T value, long revision) {}

  /** One page of a listing; {@code next} is the cursor of the following page, or null. */
  public record Page<T>(List<Versioned<T>> items, String next) {}

  public <T> Optional<Versioned<T>> get(String key, Class<T> type) {
    return first(await(kv.get(bytes(key))), type);
  }

  /**
   * The document as it was at {@code revision}, if etcd holds that revision (compacted ones and
   * future ones are out of range).
   */
  public <T> Optional<Versioned<T>> at(String key, long revision, Class<T> type) {
    try {
      return first(
          await(kv.get(bytes(key), GetOption.builder().withRevision(revision).build())), type);
    } catch (ProblemException e) {
      // etcd answers OUT_OF_RANGE for compacted and for future revisions
      if (e.getCause() != null
          && Status.fromThrowable(e.getCause()).getCode() == Status.Code.OUT_OF_RANGE) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The revisions of a document, newest first, as far back as etcd still holds them. */
  public <T> List<Versioned<T>> history(String key, Class<T> type, int max) {
    List<Versioned<T>> versions = new ArrayList<>();
    Optional<KeyValue> current = await(kv.get(bytes(key))).getKvs().stream().findFirst();
    if (current.isEmpty()) {
      return versions;
    }
    long created = current.get().getCreateRevision();
    Optional<Versioned<T>> version = Optional.of(versioned(current.get(), type));
    while (version.isPresent() && versions.size() < max) {
      versions.add(version.get());
      long before = version.get().revision() - 1;
      version = before < created ? Optional.empty() : at(key, before, type);
    }
    return versions;
  }

  /**
   * Documents under {@code prefix} in key order, after the cursor, whose key relative to the prefix
   * {@code keys} accepts (only those are parsed) and that {@code include} accepts.
   */
  public <T> Page<T> list(
      String prefix,
      Class<T> type,
      String after,
      int limit,
      Predicate<String> keys,
      Predicate<T> include) {
    List<Versioned<T>> items = new ArrayList<>();
    String last = null;
    ByteSequence end = prefixEnd(prefix);
    String from = after == null ? prefix : prefix + after + "\0";
    while (true) {
      GetResponse batch =
          await(
              kv.get(
                  bytes(from),
                  GetOption.builder()
                      .withRange(end)
                      .withLimit(BATCH)
                      .withSortField(GetOption.SortTarget.KEY)
                      .withSortOrder(GetOption.SortOrder.ASCEND)
                      .build()));
      for (KeyValue kv : batch.getKvs()) {
        String relative = kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
        if (!keys.test(relative)) {
          continue;
        }
        Versioned<T> item = versioned(kv, type);
        if (include.test(item.value())) {
          if (items.size() == limit) {
            return new Page<>(items, last); // one more exists: the page is full
          }
          items.add(item);
          last = relative;
        }
      }
      if (!batch.isMore() || batch.getKvs().isEmpty()) {
        return new Page<>(items, null);
      }
      from =
          batch.getKvs().get(batch.getKvs().size() - 1).getKey().toString(StandardCharsets.UTF_8)
              + "\0";
    }
  }

  /** The keys under {@code prefix}, relative to it, in key order; no value is read. */
  public List<String> keys(String prefix) {
    return await(
            kv.get(
                bytes(prefix),
                GetOption.builder().withRange(prefixEnd(prefix)).withKeysOnly(true).build()))
        .getKvs()
        .stream()
        .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length()))
        .toList();
  }

  /** Writes a new document; 409 when the key exists. Returns the new revision. */
  public long create(String key, Object value, Op... alsoDo) {
    TxnResponse response =
        commit(
            key, new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0)), put(key, value), alsoDo);
    if (!response.isSucceeded()) {
      throw ProblemException.conflict("exists", "'" + key(key) + "' exists already.");
    }
    return response.getHeader().getRevision();
  }

  /** Replaces a document last written at {@code expected}; 404 or 409 otherwise. */
  public long replace(String key, Object value, long expected, Op... alsoDo) {
    TxnResponse response = commit(key, unchangedSince(key, expected), put(key, value), alsoDo);
    if (!response.isSucceeded()) {
      throw staleOrMissing(key);
    }
    return response.getHeader().getRevision();
  }

  /** Deletes a document last written at {@code expected}; 404 or 409 otherwise. */
  public long delete(String key, long expected, Op... alsoDo) {
    TxnResponse response =
        commit(
            key,
            unchangedSince(key, expected),
            Op.delete(bytes(key), DeleteOption.builder().build()),
            alsoDo);
    if (!response.isSucceeded()) {
      throw staleOrMissing(key);
    }
    return response.getHeader().getRevision();
  }

  /**
   * Marks a change of a cluster's configuration, to join the change's transaction: the marker's mod
   * revision is the newest revision an agent must have applied, deletions included.
   */
  public Op touch(String cluster) {
    return Op.put(bytes(changes(cluster)), ByteSequence.EMPTY, PutOption.DEFAULT);
  }

  /** The revision of the newest change of a cluster's configuration. */
  public long newestRevision(String cluster) {
    GetResponse marker = await(kv.get(bytes(changes(cluster))));
    GetResponse settings = await(kv.get(bytes(NginxKeys.cluster(cluster))));
    return Math.max(
        marker.getKvs().stream().mapToLong(KeyValue::getModRevision).max().orElse(0),
        settings.getKvs().stream().mapToLong(KeyValue::getModRevision).max().orElse(0));
  }

  /** Writes a document whatever it held (for state this service alone derives). */
  public void set(String key, Object value) {
    await(kv.put(bytes(key), ByteSequence.from(json.writeValueAsBytes(value))));
  }

  /** Removes a document whatever it held (for state this service alone derives). */
  public void unset(String key) {
    await(kv.delete(bytes(key)));
  }

  /** A put operation for a document, to join another document's transaction. */
  public Op put(String key, Object value) {
    return Op.put(bytes(key), ByteSequence.from(json.writeValueAsBytes(value)), PutOption.DEFAULT);
  }

  /**
   * One guarded transaction; it also records the current request's idempotency key when it holds
   * one ({@link EtcdIdempotency}). A transaction etcd did not confirm in time may have committed.
   */
  private TxnResponse commit(String key, Cmp guard, Op op, Op... alsoDo) {
    List<Op> ops = new ArrayList<>(List.of(op));
    ops.addAll(Arrays.asList(alsoDo));
    EtcdIdempotency.takeClaim().map(claim -> claim.apply(key)).ifPresent(ops::add);
    try {
      return kv.txn()
          .If(guard)
          .Then(ops.toArray(Op[]::new))
          .commit()
          .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("etcd-unavailable", "Interrupted while asking etcd.", e);
    } catch (ExecutionException | TimeoutException e) {
      throw ProblemException.unavailable(
          "etcd-unavailable",
          "etcd did not confirm the change in time; it may or may not have been made. Retry with"
              + " the same Idempotency-Key to make it at most once.",
          e);
    }
  }

  /** nginx-mgr's own change marker of a cluster; agents never read it. */
  private static String changes(String cluster) {
    return NginxKeys.ROOT + "changes/" + cluster;
  }

  private static Cmp unchangedSince(String key, long revision) {
    return new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(revision));
  }

  private ProblemException staleOrMissing(String key) {
    if (await(kv.get(bytes(key), GetOption.builder().withCountOnly(true).build())).getCount()
        == 0) {
      return ProblemException.notFound("object", key(key));
    }
    return ProblemException.conflict(
        "stale-version",
        "'" + key(key) + "' changed since the version you sent (If-Match); read it again.");
  }

  private <T> Optional<Versioned<T>> first(GetResponse response, Class<T> type) {
    return response.getKvs().stream().findFirst().map(kv -> versioned(kv, type));
  }

  private <T> Versioned<T> versioned(KeyValue kv, Class<T> type) {
    return new Versioned<>(json.readValue(kv.getValue().getBytes(), type), kv.getModRevision());
  }

  private static String key(String key) {
    return key.substring(key.indexOf("/clusters/") + 1);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static ByteSequence prefixEnd(String prefix) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++;
    return ByteSequence.from(end);
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("etcd-unavailable", "Interrupted while asking etcd.", e);
    } catch (ExecutionException | TimeoutException e) {
      throw ProblemException.unavailable(
          "etcd-unavailable", "etcd did not answer; nothing was changed. Retry shortly.", e);
    }
  }
}
