package io.containercloud.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * MariaDB cut in the middle of a write, through a {@link TcpGate} in front of it, for any service
 * with a database: the client's answer and what is stored agree, and a retry with the same {@code
 * Idempotency-Key} makes the write exactly once. A service's test points its datasource at {@link
 * #jdbcUrl} and runs both drills with one of its writes.
 */
public final class DatabaseCutDrill {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final TcpGate gate;

  public DatabaseCutDrill() {
    try {
      gate = new TcpGate(LocalInfra.MARIADB_PORT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TcpGate gate() {
    return gate;
  }

  /** A JDBC URL for {@code database} through the gate. */
  public String jdbcUrl(String database) {
    return "jdbc:mysql://127.0.0.1:"
        + gate.port()
        + "/"
        + database
        + "?createDatabaseIfNotExist=true";
  }

  /**
   * The database goes silent while the write waits on it and then drops the connection: the answer
   * is 503 problem details inside the gateway's 10 s route timeout, nothing is stored; the retry
   * with the same key writes once, and a second retry replays the first answer.
   *
   * @param write the write, with an {@code Idempotency-Key} header (a new builder each call)
   * @param stored how many of the write's objects are stored
   */
  public void cutMidway(Supplier<HttpRequest.Builder> write, IntSupplier stored) throws Exception {
    // only the write itself reads idempotency_key: it is what waits when the gate freezes
    gate.freezeWhenClientSends("idempotency_key");
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<String>> answer = send(write);
    await().atMost(Duration.ofSeconds(10)).until(() -> gate.heldBytes() > 0);
    gate.cut();

    HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.body()).contains("\"status\":503", "\"code\":");
    assertThat(elapsedMs).as("well inside the gateway's 10 s route timeout").isLessThan(9_000);

    reopen(stored);
    assertThat(stored.getAsInt()).as("nothing committed").isZero();
    HttpResponse<String> retried = send(write).get(30, TimeUnit.SECONDS);
    assertThat(retried.statusCode()).as(retried.body()).isBetween(200, 299);
    HttpResponse<String> again = send(write).get(30, TimeUnit.SECONDS);
    assertThat(again.statusCode()).isEqualTo(retried.statusCode());
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(again.body()).isEqualTo(retried.body());
    assertThat(stored.getAsInt()).isEqualTo(1);
  }

  /**
   * Without an {@code Idempotency-Key}: the database refuses connections for a moment; the write is
   * 503 problem details at once and stores nothing.
   *
   * @param write the write, without an {@code Idempotency-Key}
   * @param stored how many of the write's objects are stored
   */
  public void unavailable(Supplier<HttpRequest.Builder> write, IntSupplier stored)
      throws Exception {
    gate.cut();
    long started = System.nanoTime();
    HttpResponse<String> response = send(write).get(30, TimeUnit.SECONDS);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.body()).contains("\"code\":\"dependency-unavailable\"");
    assertThat(elapsedMs).as("well inside the gateway's 10 s route timeout").isLessThan(9_000);
    reopen(stored);
    assertThat(stored.getAsInt()).isZero();
  }

  /**
   * The database commits the write but the connection drops before the service hears so: the answer
   * is 503 asking for a retry with the same key; the retry answers the write (replayed) without
   * making it again; the same key with another body is 422.
   *
   * @param write the write, with an {@code Idempotency-Key} header (a new builder each call)
   * @param other another write with the same key
   * @param stored how many of the write's objects are stored
   */
  public void lostCommit(
      Supplier<HttpRequest.Builder> write, Supplier<HttpRequest.Builder> other, IntSupplier stored)
      throws Exception {
    gate.cutAfterClientSends("insert into idempotency_key", "commit");

    HttpResponse<String> response = send(write).get(30, TimeUnit.SECONDS);
    assertThat(gate.trapped()).as("the commit went through the gate").isTrue();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.body()).contains("same Idempotency-Key");

    reopen(stored);
    assertThat(stored.getAsInt()).as("the server committed it").isEqualTo(1);
    HttpResponse<String> retried = send(write).get(30, TimeUnit.SECONDS);
    assertThat(retried.statusCode()).as(retried.body()).isBetween(200, 299);
    assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(stored.getAsInt()).isEqualTo(1);
    assertThat(send(other).get(30, TimeUnit.SECONDS).statusCode())
        .as("the same key for another request")
        .isEqualTo(422);
  }

  /**
   * Opens the gate and waits until {@code probe} reads through it again: pooled connections the cut
   * broke fail once each before the pool replaces them, as after any database outage.
   */
  public void reopen(IntSupplier probe) {
    gate.open();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> probe.getAsInt() >= 0);
  }

  private static CompletableFuture<HttpResponse<String>> send(Supplier<HttpRequest.Builder> write) {
    return HTTP.sendAsync(
        write.get().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
