package io.containercloud.gateway.web;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.containercloud.common.security.TokenClaims;
import io.containercloud.common.security.VerifiedTokens;
import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.token.TokenIssuer;
import java.security.Key;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Requests to services must carry a token this gateway issued; the services check it again
 * themselves, so the gateway is a first filter, not the only one. Login, the JWKS, probes, metrics
 * and the OpenAPI document are open. Routed requests go through {@link RoutedRequests}, with Spring
 * Security's firewall, the gateway's own endpoints through Spring Security's web filter and chain.
 */
@Configuration(proxyBeanMethods = false)
class GatewaySecurity {

  private static final Set<String> OPEN_PATHS =
      Set.of(
          "/api/auth/login",
          "/api/auth/oidc",
          "/api/auth/refresh",
          "/api/auth/logout",
          "/api/auth/token",
          "/.well-known/jwks.json",
          "/actuator/health",
          "/actuator/prometheus",
          "/actuator/info",
          "/v3/api-docs");

  /**
   * What needs no token: login, the JWKS, probes, metrics and the OpenAPI document. One look at the
   * path string instead of a path-pattern matcher per entry, each of which costs a match result per
   * routed request. Stricter than patterns, never looser: the firewall has refused odd paths
   * already, and an encoded spelling of an open path needs a token.
   */
  private static final ServerWebExchangeMatcher OPEN =
      exchange -> {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        boolean open =
            OPEN_PATHS.contains(path)
                // the routes of platform.gateway.hooks: their services check them
                || path.startsWith("/hooks/")
                || path.startsWith("/actuator/health/")
                || path.startsWith("/v3/api-docs/");
        return open ? MatchResult.match() : MatchResult.notMatch();
      };

  /** Spring Security would otherwise wrap each of its filters per request, observed or not. */
  @Bean
  SecurityObservationSettings noSecurityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    return new BCryptPasswordEncoder();
  }

  /**
   * Verifies against the issuer's own keys, picked by {@code kid} and converted once (a JWK source
   * would convert every key on every request); claims are checked by Spring's validators, each
   * token once ({@link RememberingDecoder}).
   */
  @Bean
  RememberingDecoder gatewayJwtDecoder(TokenIssuer issuer, GatewayProperties properties) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        (header, context) ->
            JWSAlgorithm.RS256.equals(header.getAlgorithm())
                ? issuer
                    .verificationKey(header.getKeyID())
                    .<List<Key>>map(List::of)
                    .orElse(List.of())
                : List.of());
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    NimbusReactiveJwtDecoder decoder =
        new NimbusReactiveJwtDecoder(
            jwt -> {
              try {
                return Mono.just(processor.process(jwt, null));
              } catch (BadJOSEException | JOSEException e) {
                return Mono.error(new BadJwtException("The token cannot be verified", e));
              }
            });
    decoder.setClaimSetConverter(TokenClaims.converter());
    OAuth2TokenValidator<Jwt> validator =
        TokenClaims.validator(properties.issuer(), properties.audience());
    decoder.setJwtValidator(validator);
    return new RememberingDecoder(decoder, new VerifiedTokens(validator, Clock.systemUTC()));
  }

  /**
   * Spring Security's strict firewall, with its rule for header names and values checked without a
   * regular expression per header ({@link HeaderText}).
   */
  @Bean
  ServerWebExchangeFirewall firewall() {
    StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
    firewall.setAllowedHeaderNames(HeaderText::allowedName);
    firewall.setAllowedHeaderValues(HeaderText::allowedValue);
    return firewall;
  }

  /**
   * Spring Security's firewall refuses some requests before any other filter sees them (a {@code
   * ;}, an encoded slash or period, {@code //}, {@code ..} segments, control characters, an unknown
   * method); WebFluxSecurityConfiguration picks this up, so they get problem details too.
   */
  @Bean
  ServerExchangeRejectedHandler firewallRejectionsAsProblems(ProblemWriter problems) {
    return (exchange, e) ->
        problems.write(
            exchange, HttpStatus.BAD_REQUEST, "request-rejected", e.getMessage(), List.of());
  }

  /**
   * Routed requests ({@code /api/<service>/...}): right after the correlation id and the malformed
   * request check, instead of Spring Security's web filter, whose selection and assembly operators
   * would cost more than the checks themselves on every routed request.
   */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE + 2)
  WebFilter routedRequests(
      RememberingDecoder tokens,
      ProblemWriter problems,
      GatewayProperties properties,
      ServerWebExchangeFirewall firewall,
      ServerExchangeRejectedHandler rejected,
      ObjectProvider<DispatcherHandler> routes) {
    return new RoutedRequests(
        properties, tokens, cors(properties), unauthorized(problems), firewall, rejected, routes);
  }

  /** The gateway's own endpoints: routed requests never reach Spring Security's web filter. */
  @Bean
  SecurityWebFilterChain gatewaySecurityChain(
      ServerHttpSecurity http,
      ReactiveJwtDecoder decoder,
      ProblemWriter problems,
      GatewayProperties properties) {
    CorsConfiguration cors = cors(properties);
    // Stateless: no web session is ever created, looked up or saved (the defaults would create one
    // per request, on another thread, only to find nothing in it).
    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
        .cors(c -> c.configurationSource(exchange -> cors))
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable) // tokens expire; there is no session
        .authorizeExchange(a -> a.matchers(OPEN).permitAll().anyExchange().authenticated())
        .oauth2ResourceServer(
            o ->
                o.bearerTokenConverter(new BearerTokens())
                    .jwt(j -> j.jwtDecoder(decoder))
                    .authenticationEntryPoint(unauthorized(problems))
                    .accessDeniedHandler(forbidden(problems)))
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(unauthorized(problems))
                    .accessDeniedHandler(forbidden(problems)))
        .build();
  }

  private static ServerAuthenticationEntryPoint unauthorized(ProblemWriter problems) {
    return (exchange, e) ->
        problems.write(
            exchange, HttpStatus.UNAUTHORIZED, "A valid access token is required.", List.of());
  }

  private static ServerAccessDeniedHandler forbidden(ProblemWriter problems) {
    return (exchange, e) ->
        problems.write(
            exchange, HttpStatus.FORBIDDEN, "Your roles do not allow this operation.", List.of());
  }

  /** Only the configured console origins; credentials travel as bearer tokens, never cookies. */
  private static CorsConfiguration cors(GatewayProperties properties) {
    CorsConfiguration config = new CorsConfiguration();
    config.setAllowedOrigins(properties.corsOrigins());
    config.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
    config.setAllowedHeaders(
        List.of("Authorization", "Content-Type", "If-Match", "X-Correlation-Id"));
    config.setExposedHeaders(List.of("ETag", "Location", "Retry-After", "X-Correlation-Id"));
    config.setMaxAge(3600L);
    return config;
  }
}
