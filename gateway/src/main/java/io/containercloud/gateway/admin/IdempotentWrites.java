package io.containercloud.gateway.admin;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.idempotency.IdempotencyKeyExpiry;
import io.containercloud.common.idempotency.IdempotencyKeys;
import io.containercloud.common.idempotency.IdempotencyStore;
import io.containercloud.common.schema.PlatformSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} on the gateway's own writes (the admin API), as every service takes it:
 * the answer is kept per tenant for a day in the gateway's database, in the same transaction as the
 * write, so a retry returns the first answer ({@code Idempotent-Replayed: true}) and writes nothing
 * again; the same key for another request is 422.
 */
@Component
class IdempotentWrites {

  /** The gateway's keys, in its own database, forgotten after a day. */
  @Configuration(proxyBeanMethods = false)
  static class Keys {

    @Bean
    IdempotencyKeys idempotencyKeys(
        DataSource dataSource, PlatformTransactionManager transactions, PlatformSchema schema) {
      return new IdempotencyKeys(
          new JdbcTemplate(dataSource), new TransactionTemplate(transactions));
    }

    @Bean
    IdempotencyKeyExpiry idempotencyKeyExpiry(IdempotencyKeys keys) {
      return new IdempotencyKeyExpiry(keys);
    }
  }

  private static final String HEADER = "Idempotency-Key";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final IdempotencyStore keys;
  private final JsonMapper json;

  IdempotentWrites(
      DataSource dataSource, PlatformTransactionManager transactions, JsonMapper json) {
    this.keys =
        new IdempotencyKeys(new JdbcTemplate(dataSource), new TransactionTemplate(transactions));
    this.json = json;
  }

  /**
   * Runs {@code write} (blocking work, off the event loop) once per key; without a key, simply runs
   * it.
   *
   * @param request the request's body, part of what a key stands for
   * @param type the answer's type, to give a kept answer back
   */
  <T> Mono<T> once(
      ServerWebExchange exchange, String tenant, Object request, Class<T> type, Callable<T> write) {
    String key = exchange.getRequest().getHeaders().getFirst(HEADER);
    if (key == null) {
      return Mono.fromCallable(() -> unknownOutcome(write))
          .subscribeOn(Schedulers.boundedElastic());
    }
    if (!KEY.matcher(key).matches()) {
      return Mono.error(ProblemException.invalid(HEADER, "must be 1-128 of A-Z a-z 0-9 . _ : -"));
    }
    String fingerprint = fingerprint(exchange, request);
    return Mono.fromCallable(() -> run(exchange, tenant, key, fingerprint, type, write))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private <T> T run(
      ServerWebExchange exchange,
      String tenant,
      String key,
      String fingerprint,
      Class<T> type,
      Callable<T> write)
      throws Exception {
    Optional<IdempotencyStore.Stored> earlier;
    try {
      earlier = keys.find(tenant, key);
    } catch (DataAccessException e) {
      throw ProblemException.unavailable(
          "dependency-unavailable", "The database did not answer; nothing was changed. Retry.", e);
    }
    if (earlier.isPresent()) {
      return replay(exchange, earlier.get(), fingerprint, type);
    }
    AtomicReference<T> answer = new AtomicReference<>();
    try {
      keys.execute(
          tenant,
          key,
          fingerprint,
          exchange.getRequest().getMethod().name(),
          () -> {
            T value = write.call();
            answer.set(value);
            return new IdempotencyStore.Stored(
                fingerprint, HttpStatus.OK.value(), "{}", json.writeValueAsBytes(value));
          });
    } catch (IdempotencyStore.KeyTakenException e) {
      return replay(exchange, keys.find(tenant, key).orElseThrow(() -> e), fingerprint, type);
    } catch (DataAccessException | TransactionException e) {
      throw unavailable(e);
    }
    return answer.get();
  }

  /** A write without a key: the database away is a 503 whose outcome may be unknown. */
  private static <T> T unknownOutcome(Callable<T> write) throws Exception {
    try {
      return write.call();
    } catch (DataAccessException | TransactionException e) {
      throw unavailable(e);
    }
  }

  private static ProblemException unavailable(Exception e) {
    return ProblemException.unavailable(
        "dependency-unavailable",
        "The database did not confirm the change. Retry with the same Idempotency-Key: it is"
            + " made at most once.",
        e);
  }

  private <T> T replay(
      ServerWebExchange exchange,
      IdempotencyStore.Stored stored,
      String fingerprint,
      Class<T> type) {
    if (!stored.fingerprint().equals(fingerprint)) {
      throw ProblemException.unprocessable(
          "idempotency-key-reused",
          "This Idempotency-Key was used for another request (method, path or body).",
          List.of(new FieldViolation(HEADER, "belongs to another request")));
    }
    exchange.getResponse().getHeaders().set("Idempotent-Replayed", "true");
    return json.readValue(stored.body(), type);
  }

  private String fingerprint(ServerWebExchange exchange, Object request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(exchange.getRequest().getMethod().name().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) ' ');
      digest.update(exchange.getRequest().getPath().value().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
      return HexFormat.of().formatHex(digest.digest(json.writeValueAsBytes(request)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
