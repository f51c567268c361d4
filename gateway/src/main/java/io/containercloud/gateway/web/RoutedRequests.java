package io.containercloud.gateway.web;

import io.containercloud.gateway.GatewayProperties;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

/**
 * What a routed request goes through before its route, in place of Spring Security's web filter and
 * resource-server chain (a dozen filters and their operators, about a third of the gateway's CPU
 * per routed request, for the same answer): Spring Security's firewall, the security headers
 * ({@link SecurityHeaders}), CORS by the console's origins, and a bearer token this gateway issued
 * that is still valid, which becomes the request's {@link Caller} (for rate limits and the audit
 * trail). What the user may do there is the service's decision: it checks the token again.
 *
 * <p>A routed request then goes straight to the web handler (its route): the web filters ordered
 * after this one are Spring Security's, which has nothing left to do for it, the audit of the admin
 * API, which is never routed, and Spring Cloud Gateway's weight calculator, for weighted routes the
 * gateway has none of. {@code GatewayApplicationIT} names the filters skipped, so that a new one is
 * a decision.
 */
final class RoutedRequests implements WebFilter {

  private final GatewayProperties properties;
  private final RememberingDecoder tokens;
  private final CorsConfiguration cors;
  private final ServerAuthenticationEntryPoint unauthorized;
  private final ServerWebExchangeFirewall firewall;
  private final ServerExchangeRejectedHandler rejected;
  private final ObjectProvider<DispatcherHandler> routes;
  private final SecurityHeaders securityHeaders = new SecurityHeaders();
  private final DefaultCorsProcessor corsProcessor = new DefaultCorsProcessor();

  RoutedRequests(
      GatewayProperties properties,
      RememberingDecoder tokens,
      CorsConfiguration cors,
      ServerAuthenticationEntryPoint unauthorized,
      ServerWebExchangeFirewall firewall,
      ServerExchangeRejectedHandler rejected,
      ObjectProvider<DispatcherHandler> routes) {
    this.properties = properties;
    this.tokens = tokens;
    this.cors = cors;
    this.unauthorized = unauthorized;
    this.firewall = firewall;
    this.rejected = rejected;
    this.routes = routes;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!properties.routes(exchange.getRequest().getPath().pathWithinApplication().value())) {
      return chain.filter(exchange);
    }
    // as Spring Security's web filter does first: the firewall's request checks, then its rule for
    // headers applied to all of them at once (the predicates GatewaySecurity gives it) rather than
    // on each read through its request wrapper, which every copy of the request would wrap again
    return firewall
        .getFirewalledExchange(exchange)
        .flatMap(checked -> route(exchange))
        .onErrorResume(failure -> failed(exchange, failure));
  }

  /**
   * As the firewall words it, for the first header its rule refuses; null when none. Read from
   * Reactor Netty's own headers, in one pass: Spring's view of them builds a set of lists first.
   */
  private static String refusedHeader(ServerHttpRequest request) {
    Iterable<Map.Entry<String, String>> headers =
        ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest netty
            ? netty.requestHeaders()
            : request.getHeaders().headerSet().stream()
                .flatMap(h -> h.getValue().stream().map(v -> Map.entry(h.getKey(), v)))
                .toList();
    for (Map.Entry<String, String> header : headers) {
      if (!HeaderText.allowedName(header.getKey())) {
        return "The request was rejected because the header name \""
            + header.getKey()
            + "\" is not allowed.";
      }
      if (!HeaderText.allowedValue(header.getValue())) {
        return "The request was rejected because the header: \""
            + header.getKey()
            + " \" has a value \""
            + header.getValue()
            + "\" that is not allowed.";
      }
    }
    return null;
  }

  /**
   * A request the firewall rejected gets problem details. An answer that failed after it started
   * (the service's connection broke in the middle of the body) is broken off for the client too:
   * Reactor Netty would end a chunked body cleanly, passing the half the client got as the whole of
   * it; nginx hangs up the same way.
   */
  private Mono<Void> failed(ServerWebExchange exchange, Throwable failure) {
    if (failure instanceof ServerExchangeRejectedException rejection) {
      return rejected.handle(exchange, rejection);
    }
    if (exchange.getResponse().isCommitted()
        && ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest())
            instanceof Connection client) {
      client.channel().close();
    }
    return Mono.error(failure);
  }

  private Mono<Void> route(ServerWebExchange exchange) {
    String refused = refusedHeader(exchange.getRequest());
    if (refused != null) {
      return Mono.error(new ServerExchangeRejectedException(refused));
    }
    exchange.getResponse().beforeCommit(() -> securityHeaders.writeHttpHeaders(exchange));
    // as CorsWebFilter: a refused origin or a preflight is answered here
    if (!corsProcessor.process(cors, exchange)
        || CorsUtils.isPreFlightRequest(exchange.getRequest())) {
      return Mono.empty();
    }
    String token =
        BearerTokens.token(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      return unauthorized.commence(exchange, null);
    }
    Jwt known = tokens.verifiedBefore(token);
    if (known != null) { // the usual case, without a Mono of its own
      exchange.getAttributes().put(Caller.ATTRIBUTE, known);
      return routes.getObject().handle(exchange);
    }
    return tokens
        .decode(token)
        .onErrorResume(JwtException.class, e -> Mono.empty())
        .doOnNext(jwt -> exchange.getAttributes().put(Caller.ATTRIBUTE, jwt))
        .switchIfEmpty(Mono.defer(() -> unauthorized.commence(exchange, null).then(Mono.empty())))
        .flatMap(jwt -> routes.getObject().handle(exchange));
  }
}
