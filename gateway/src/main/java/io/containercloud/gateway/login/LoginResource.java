package io.containercloud.gateway.login;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.contract.AuditFacts;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.audit.AuditEmitter;
import io.containercloud.gateway.identity.IdentityStore;
import io.containercloud.gateway.identity.RefreshTokens;
import io.containercloud.gateway.limit.LoginAttempt;
import io.containercloud.gateway.limit.RateLimits;
import io.containercloud.gateway.token.TokenIssuer;
import io.containercloud.gateway.web.CorrelationIdFilter;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.util.MultiValueMap;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Exchanges a username and password, or an external issuer's ID token when one is trusted, for an
 * access token.
 */
@RestController
class LoginResource {

  private final IdentityStore users;
  private final PasswordEncoder encoder;
  private final TokenIssuer issuer;
  private final AuditEmitter audit;
  private final RateLimits limits;
  private final RefreshTokens refreshTokens;
  private final GatewayProperties properties;
  private final ServiceAccounts serviceAccounts;
  private final ExternalIdentities external; // null unless platform.gateway.oidc is set
  // Checked when the user does not exist, so both failures cost one hash comparison.
  private final String absentUserHash;

  LoginResource(
      IdentityStore users,
      PasswordEncoder encoder,
      TokenIssuer issuer,
      AuditEmitter audit,
      RateLimits limits,
      RefreshTokens refreshTokens,
      GatewayProperties properties,
      ServiceAccounts serviceAccounts,
      ObjectProvider<ExternalIdentities> external) {
    this.users = users;
    this.encoder = encoder;
    this.issuer = issuer;
    this.audit = audit;
    this.limits = limits;
    this.refreshTokens = refreshTokens;
    this.properties = properties;
    this.serviceAccounts = serviceAccounts;
    this.external = external.getIfAvailable();
    this.absentUserHash = encoder.encode(java.util.UUID.randomUUID().toString());
  }

  private static final String TENANT = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  private static final String CLIENT = "[a-z][a-z0-9-]{0,40}";

  record LoginRequest(
      @NotBlank @Size(max = 64) String username,
      @NotBlank @Size(max = 256) String password,
      @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", message = "must be a tenant name")
          String tenant) {}

  record TokenResponse(
      String access_token,
      String token_type,
      long expires_in,
      String refresh_token,
      String tenant,
      List<String> roles) {}

  record OidcRequest(
      @NotBlank @Size(max = 16_384) String id_token,
      @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", message = "must be a tenant name")
          String tenant) {}

  record RefreshRequest(@NotBlank @Size(max = 100) String refresh_token) {}

  /** Every attempt, successful or not, goes to the audit trail before the answer does. */
  @PostMapping("/api/auth/login")
  Mono<TokenResponse> login(@Valid @RequestBody LoginRequest request, ServerWebExchange exchange) {
    return Mono.fromCallable(() -> authenticate(request, exchange))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            r ->
                audit(exchange, AuditFacts.Type.LOGIN, request.username(), r.tenant(), 200)
                    .thenReturn(r))
        .onErrorResume(
            e ->
                audit(
                        exchange,
                        AuditFacts.Type.LOGIN_FAILED,
                        request.username(),
                        "platform",
                        statusOf(e))
                    .then(Mono.error(e)));
  }

  /**
   * A verified ID token of the trusted external issuer buys an access token for the tenant its
   * groups bind it to. No refresh token: the issuer keeps the session, the client exchanges again.
   */
  @PostMapping("/api/auth/oidc")
  Mono<TokenResponse> exchange(
      @Valid @RequestBody OidcRequest request, ServerWebExchange exchange) {
    if (external == null) {
      return Mono.error(ProblemException.notFound("identity provider", "oidc"));
    }
    LoginAttempt attempt = limits.loginFrom(clientIp(exchange));
    if (attempt instanceof LoginAttempt.Refused refused) {
      return Mono.error(tooManyFailures(refused));
    }
    AtomicReference<String> user = new AtomicReference<>("unknown");
    return external
        .verify(request.id_token())
        .map(
            identity -> {
              ((LoginAttempt.Allowed) attempt).succeeded(); // a valid token is no guess
              user.set(identity.username());
              Caller caller =
                  callerFrom(identity.username(), identity.bindings(), request.tenant());
              TokenIssuer.IssuedToken token = issuer.issue(caller);
              return new TokenResponse(
                  token.value(),
                  "Bearer",
                  token.expiresIn(),
                  null,
                  caller.tenant(),
                  caller.roles().stream().map(Role::claim).sorted().toList());
            })
        .flatMap(
            r -> audit(exchange, AuditFacts.Type.LOGIN, user.get(), r.tenant(), 200).thenReturn(r))
        .onErrorResume(
            e ->
                audit(exchange, AuditFacts.Type.LOGIN_FAILED, user.get(), "platform", statusOf(e))
                    .then(Mono.error(e)));
  }

  /**
   * The client-credentials grant (RFC 6749, 4.4) for platform services acting on their own: the
   * client authenticates with HTTP Basic or {@code client_id}/{@code client_secret} and names the
   * tenant it acts in ({@code tenant}). No refresh token: the client asks again. Failed attempts
   * count against the address's login limit; every attempt is audited.
   */
  @PostMapping(path = "/api/auth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  Mono<TokenResponse> token(ServerWebExchange exchange) {
    AtomicReference<String> client = new AtomicReference<>("unknown");
    return exchange
        .getFormData()
        .map(form -> serviceToken(form, exchange, client))
        .flatMap(
            r ->
                audit(exchange, AuditFacts.Type.LOGIN, client.get(), r.tenant(), 200).thenReturn(r))
        .onErrorResume(
            e ->
                audit(exchange, AuditFacts.Type.LOGIN_FAILED, client.get(), "platform", statusOf(e))
                    .then(Mono.error(e)));
  }

  private TokenResponse serviceToken(
      MultiValueMap<String, String> form,
      ServerWebExchange exchange,
      AtomicReference<String> audited) {
    if (!"client_credentials".equals(form.getFirst("grant_type"))) {
      throw ProblemException.invalid("grant_type", "must be client_credentials");
    }
    String tenant = form.getFirst("tenant");
    if (tenant == null || !tenant.matches(TENANT)) {
      throw ProblemException.invalid("tenant", "must be a tenant name");
    }
    String[] credentials = clientCredentials(exchange, form);
    if (credentials[0].matches(CLIENT)) {
      audited.set(ServiceAccounts.SUBJECT_PREFIX + credentials[0]);
    }
    LoginAttempt attempt = limits.loginFrom(clientIp(exchange));
    if (attempt instanceof LoginAttempt.Refused refused) {
      throw tooManyFailures(refused);
    }
    GatewayProperties.ServiceAccount account =
        serviceAccounts
            .authenticate(credentials[0], credentials[1])
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.UNAUTHORIZED, "Unknown client or wrong secret."));
    ((LoginAttempt.Allowed) attempt).succeeded();
    if (!account.mayActIn(tenant)) {
      throw ProblemException.forbidden(
          "Client '" + credentials[0] + "' may not act in tenant '" + tenant + "'.");
    }
    Caller caller = ServiceAccounts.caller(credentials[0], account, tenant);
    TokenIssuer.IssuedToken token = issuer.issue(caller);
    return new TokenResponse(
        token.value(), "Bearer", token.expiresIn(), null, tenant, List.of(account.role()));
  }

  /** HTTP Basic first (RFC 6749, 2.3.1), then the form's members; blanks when neither is there. */
  private static String[] clientCredentials(
      ServerWebExchange exchange, MultiValueMap<String, String> form) {
    String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair =
            new String(
                Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon > 0) {
          return new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
        }
      } catch (IllegalArgumentException e) {
        // not Base64: no credentials
      }
      return new String[] {"", ""};
    }
    String id = form.getFirst("client_id");
    String secret = form.getFirst("client_secret");
    return new String[] {id == null ? "" : id, secret == null ? "" : secret};
  }

  private Mono<Void> audit(
      ServerWebExchange exchange,
      AuditFacts.Type type,
      String username,
      String tenant,
      int status) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("user", username);
    data.put("service", "gateway");
    data.put("method", "POST");
    data.put("path", exchange.getRequest().getPath().value());
    data.put("status", status);
    data.put("clientIp", clientIp(exchange));
    data.put("correlationId", CorrelationIdFilter.of(exchange));
    return audit.emit(type, tenant, CorrelationIdFilter.of(exchange), data);
  }

  private static String clientIp(ServerWebExchange exchange) {
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    return remote == null ? "" : remote.getAddress().getHostAddress();
  }

  private static int statusOf(Throwable e) {
    if (e instanceof ErrorResponse r) {
      return r.getStatusCode().value();
    }
    if (e instanceof ProblemException p) {
      return p.status().value();
    }
    return 500;
  }

  /**
   * Only failed attempts count against the account's and the address's limits; while either is used
   * up, even the right password is refused (else guessing would go on unlimited).
   */
  private TokenResponse authenticate(LoginRequest request, ServerWebExchange exchange) {
    LoginAttempt attempt = limits.login(request.username(), clientIp(exchange));
    if (attempt instanceof LoginAttempt.Refused refused) {
      throw tooManyFailures(refused);
    }
    String hash = users.passwordHash(request.username()).orElse(null);
    boolean matches = encoder.matches(request.password(), hash == null ? absentUserHash : hash);
    if (hash == null || !matches) {
      throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Unknown user or wrong password.");
    }
    ((LoginAttempt.Allowed) attempt).succeeded();
    return tokensFor(callerIn(request.username(), request.tenant()));
  }

  private static RuntimeException tooManyFailures(LoginAttempt.Refused refused) {
    return RateLimits.tooManyRequests(
        "Too many failed login attempts for this account or from this address",
        refused.retryAfterSeconds());
  }

  /** A new access token for a refresh token, which is spent and replaced. */
  @PostMapping("/api/auth/refresh")
  Mono<TokenResponse> refresh(@Valid @RequestBody RefreshRequest request) {
    return Mono.fromCallable(
            () -> {
              RefreshTokens.Session session =
                  refreshTokens
                      .spend(request.refresh_token())
                      .orElseThrow(
                          () ->
                              new ResponseStatusException(
                                  HttpStatus.UNAUTHORIZED, "The refresh token is not valid."));
              try {
                return tokensFor(callerIn(session.username(), session.tenant()));
              } catch (ProblemException e) {
                throw new ResponseStatusException(
                    HttpStatus.UNAUTHORIZED, "The refresh token is not valid.");
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Ends a session: its refresh token stops working (access tokens expire on their own). */
  @PostMapping("/api/auth/logout")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> logout(@Valid @RequestBody RefreshRequest request) {
    return Mono.fromRunnable(() -> refreshTokens.revoke(request.refresh_token()))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }

  private TokenResponse tokensFor(Caller caller) {
    TokenIssuer.IssuedToken token = issuer.issue(caller);
    String refreshToken =
        refreshTokens.issue(caller.user(), caller.tenant(), properties.refreshTokenTtl());
    return new TokenResponse(
        token.value(),
        "Bearer",
        token.expiresIn(),
        refreshToken,
        caller.tenant(),
        caller.roles().stream().map(Role::claim).sorted().toList());
  }

  private Caller callerIn(String username, String requestedTenant) {
    return callerFrom(username, users.bindings(username), requestedTenant);
  }

  private static Caller callerFrom(
      String username, List<IdentityStore.Binding> bindings, String requestedTenant) {
    if (bindings.isEmpty()) {
      throw ProblemException.forbidden("You hold no role on this platform.");
    }
    Set<String> tenants =
        bindings.stream().map(IdentityStore.Binding::tenant).collect(Collectors.toSet());
    String tenant = requestedTenant;
    if (tenant == null) {
      if (tenants.size() != 1) {
        throw ProblemException.invalid(
            "tenant", "you belong to " + tenants.size() + " tenants: name one");
      }
      tenant = tenants.iterator().next();
    }
    String chosen = tenant;
    Set<Role> roles = EnumSet.noneOf(Role.class);
    bindings.stream().filter(b -> b.tenant().equals(chosen)).forEach(b -> roles.add(b.role()));
    if (roles.isEmpty()) {
      throw ProblemException.forbidden("You hold no role in tenant '" + chosen + "'.");
    }
    return new Caller(username, chosen, roles);
  }
}
