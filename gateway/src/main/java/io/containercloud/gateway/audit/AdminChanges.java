package io.containercloud.gateway.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Records the gateway's own changes, its admin API (tenants, users, role bindings, ended sessions),
 * as routed changes are recorded, refused ones too (a 401 excepted: Spring Security answers it
 * before this filter): the record is made as the answer is committed, once the error handlers have
 * set its status, and the answer waits for it. The record goes to the database the change was made
 * in: when it cannot be stored, the database went away after the change, or the change failed with
 * it; the answer is left as it was.
 */
@Component
@Order(0) // after Spring Security's filter chain (-100): the caller is its authenticated principal
class AdminChanges implements WebFilter {

  private static final String ADMIN_API = "/api/admin/";

  private final ChangeRecords records;

  AdminChanges(ChangeRecords records) {
    this.records = records;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!ChangeRecords.isChange(exchange)
        || !exchange.getRequest().getPath().pathWithinApplication().value().startsWith(ADMIN_API)) {
      return chain.filter(exchange);
    }
    long start = System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ServerWebExchange teed =
        exchange
            .mutate()
            .request(
                new ServerHttpRequestDecorator(exchange.getRequest()) {
                  @Override
                  public Flux<DataBuffer> getBody() {
                    return super.getBody().doOnNext(buffer -> copy(buffer, body));
                  }
                })
            .build();
    // the caller is read now: an error's answer is written outside the chain, where the security
    // context the principal comes from is gone
    return exchange
        .getPrincipal()
        .ofType(JwtAuthenticationToken.class)
        .map(token -> Optional.<Jwt>of(token.getToken()))
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            jwt -> {
              teed.getResponse()
                  .beforeCommit(() -> record(teed, jwt.orElse(null), body.toByteArray(), start));
              return chain.filter(teed);
            });
  }

  // the body as the admin API reads it: the record is made after the handler has read it all
  private static void copy(DataBuffer buffer, ByteArrayOutputStream body) {
    byte[] bytes = new byte[buffer.readableByteCount()];
    buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(bytes), 0, bytes.length);
    body.writeBytes(bytes); // ByteArrayOutputStream's writes and reads are synchronized
  }

  private Mono<Void> record(ServerWebExchange exchange, Jwt jwt, byte[] body, long start) {
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    RequestOutcome outcome = new RequestOutcome.Answered(status == null ? 200 : status.value());
    // logged loudly by the emitter; the answer stays the one the change got (a 503 while the
    // database, which holds both the change and the record, is away, is not turned into a 500)
    return records.emit(exchange, jwt, body, start, outcome).onErrorResume(e -> Mono.empty());
  }
}
