package io.containercloud.nginxmgr.store;

import io.containercloud.common.idempotency.IdempotencyStore;
import io.containercloud.nginx.model.NginxKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/**
 * Idempotency keys in etcd ({@code /nginx/v1/idempotency/<tenant>/<key>}). A write's key joins the
 * write's own transaction as a marker ({@link Documents} takes the claim this thread holds), so it
 * exists exactly when the write committed; the answer is added once the request ends. A marker
 * without an answer means the write was made but its answer was lost.
 */
public final class EtcdIdempotency implements IdempotencyStore {

  private static final Duration KEPT = Duration.ofDays(1);
  private static final ThreadLocal<Function<String, Op>> CLAIM = new ThreadLocal<>();

  /**
   * What is kept per key; {@code status} 0 until the answer is known.
   *
   * @param target the key of the document the write changed, to answer a retry from when the answer
   *     itself was lost
   * @param method the write's HTTP method
   */
  record Entry(
      String fingerprint,
      int status,
      String headers,
      String body,
      Instant at,
      String target,
      String method) {}

  private final Client etcd;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();

  public EtcdIdempotency(Client etcd, JsonMapper json) {
    this.etcd = etcd;
    this.json = json;
  }

  /**
   * The marker the current request's next etcd transaction must carry (given the key of the
   * document it writes), taken once.
   */
  static Optional<Function<String, Op>> takeClaim() {
    Function<String, Op> claim = CLAIM.get();
    CLAIM.remove();
    return Optional.ofNullable(claim);
  }

  @Override
  public Optional<Stored> find(String tenant, String key) {
    Optional<KeyValue> marker = get(path(tenant, key));
    if (marker.isEmpty()) {
      return Optional.empty();
    }
    Entry e = json.readValue(marker.get().getValue().getBytes(), Entry.class);
    if (!e.at().isAfter(clock.instant().minus(KEPT))) {
      return Optional.empty();
    }
    if (e.status() == 0 && e.target() != null) {
      return Optional.of(answerOf(e, marker.get().getCreateRevision()));
    }
    return Optional.of(
        new Stored(
            e.fingerprint(),
            e.status(),
            e.headers(),
            e.body() == null ? new byte[0] : Base64.getDecoder().decode(e.body())));
  }

  /**
   * The answer of a write whose answer was lost: the document as that transaction ({@code
   * revision}) left it, with its ETag; 201 for a create, 204 when it was deleted.
   */
  private Stored answerOf(Entry e, long revision) {
    Optional<KeyValue> written =
        await(
                etcd.getKVClient()
                    .get(bytes(e.target()), GetOption.builder().withRevision(revision).build()))
            .getKvs()
            .stream()
            .findFirst();
    if (written.isEmpty()) {
      return new Stored(e.fingerprint(), 204, "{}", new byte[0]);
    }
    String headers =
        json.writeValueAsString(
            java.util.Map.of("Content-Type", "application/json", "ETag", Versions.etag(revision)));
    return new Stored(
        e.fingerprint(),
        "POST".equals(e.method()) && written.get().getVersion() == 1 ? 201 : 200,
        headers,
        written.get().getValue().getBytes());
  }

  @Override
  public void execute(String tenant, String key, String fingerprint, String method, Attempt attempt)
      throws Exception {
    String path = path(tenant, key);
    Instant at = clock.instant();
    CLAIM.set(
        target ->
            Op.put(
                bytes(path),
                ByteSequence.from(
                    json.writeValueAsBytes(
                        new Entry(fingerprint, 0, null, null, at, target, method))),
                PutOption.DEFAULT));
    Stored outcome;
    try {
      outcome = attempt.run();
    } finally {
      CLAIM.remove();
    }
    if (outcome != null && get(path).isPresent()) {
      Entry answered =
          new Entry(
              fingerprint,
              outcome.status(),
              outcome.headers(),
              Base64.getEncoder().encodeToString(outcome.body()),
              at,
              null,
              method);
      etcd.getKVClient()
          .put(bytes(path), ByteSequence.from(json.writeValueAsBytes(answered)))
          .get(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public int expire() throws Exception {
    int removed = 0;
    for (KeyValue kv :
        etcd.getKVClient()
            .get(bytes(prefix()), GetOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS)
            .getKvs()) {
      Entry entry = json.readValue(kv.getValue().getBytes(), Entry.class);
      if (!entry.at().isAfter(clock.instant().minus(KEPT))) {
        etcd.getKVClient().delete(kv.getKey(), DeleteOption.DEFAULT).get(5, TimeUnit.SECONDS);
        removed++;
      }
    }
    return removed;
  }

  private Optional<KeyValue> get(String path) {
    return await(etcd.getKVClient().get(bytes(path))).getKvs().stream().findFirst();
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("etcd did not answer", e);
    }
  }

  private static String prefix() {
    return NginxKeys.ROOT + "idempotency/";
  }

  private static String path(String tenant, String key) {
    return prefix() + tenant + "/" + key;
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
