package io.containercloud.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's settings ({@code platform.gateway.*}). The bootstrap admin's password is not here
 * on purpose: it comes from {@code PLATFORM_ADMIN_PASSWORD} and is never kept.
 *
 * @param services each service's base URI; {@code /api/<name>/**} is routed to it
 * @param accessTokenTtl lifetime of an access token
 * @param issuer the {@code iss} of issued tokens, which every service checks
 * @param audience the {@code aud} of issued tokens, which every service checks
 * @param signingKey a PKCS#8 PEM RSA private key; when absent a key is generated at start (tokens
 *     then do not survive a restart: set it everywhere but on a laptop)
 * @param bootstrapAdmin the platform admin created on first start
 * @param maxRequestSize larger request bodies are refused with 413 before reaching a service
 * @param routeTimeout how long a service may take to answer before the client gets a 503
 * @param corsOrigins browser origins (the console's) allowed to call the API; none by default
 * @param refreshTokenTtl lifetime of a refresh token (each use replaces it)
 * @param previousSigningKeys keys that signed before the current one, still published in the JWKS
 *     so their tokens stay valid until they expire; drop one after an access-token lifetime
 * @param oidc an external OpenID Connect issuer whose ID tokens may be exchanged for platform
 *     tokens; absent by default
 * @param hooks per service, the path {@code /hooks/<service>/**} goes to without a token, for
 *     callers that hold none and that the service authenticates itself (git hosts' push hooks,
 *     signed with a secret of the service's)
 * @param serviceAccounts per platform service that acts on its own (an orchestrator resuming an
 *     operation, a consumer reacting to an event), its client-credentials account; none by default
 */
@Validated
@ConfigurationProperties("platform.gateway")
public record GatewayProperties(
    @NotEmpty Map<@Pattern(regexp = "[a-z][a-z0-9-]{0,40}") String, @NotNull URI> services,
    @NotNull @DefaultValue("15m") Duration accessTokenTtl,
    @NotBlank @DefaultValue("container-cloud-gateway") String issuer,
    @NotBlank @DefaultValue("container-cloud") String audience,
    Path signingKey,
    @Valid @NotNull @DefaultValue BootstrapAdmin bootstrapAdmin,
    @NotNull @DefaultValue("1MB") DataSize maxRequestSize,
    @NotNull @DefaultValue("10s") Duration routeTimeout,
    @NotNull @DefaultValue
        List<@Pattern(regexp = "https?://[A-Za-z0-9.-]+(:\\d{1,5})?") String> corsOrigins,
    @NotNull @DefaultValue("12h") Duration refreshTokenTtl,
    @NotNull @DefaultValue List<@NotNull Path> previousSigningKeys,
    @Valid Oidc oidc,
    @NotNull @DefaultValue
        Map<
                @Pattern(regexp = "[a-z][a-z0-9-]{0,40}") String,
                @Pattern(regexp = "(/[a-z0-9-]{1,40}){1,4}") String>
            hooks,
    @NotNull @DefaultValue
        Map<@Pattern(regexp = "[a-z][a-z0-9-]{0,40}") String, @Valid @NotNull ServiceAccount>
            serviceAccounts) {

  /** Whether {@code path} is {@code /api/<service>/...} for a configured service. */
  public boolean routes(String path) {
    if (!path.startsWith("/api/")) {
      return false;
    }
    int end = path.indexOf('/', 5);
    return services.containsKey(end < 0 ? path.substring(5) : path.substring(5, end));
  }

  /**
   * @param username the admin's login
   * @param tenant the tenant the admin is bound to as {@code platform-admin}
   */
  public record BootstrapAdmin(
      @NotBlank @DefaultValue("admin") String username,
      @NotBlank @DefaultValue("platform") String tenant) {}

  /**
   * A service's client-credentials account: it proves itself with the secret and gets tokens naming
   * it ({@code service:<name>}), in one allowed tenant at a time, with one narrow role.
   *
   * @param secretFile the file holding its secret (a mounted Secret), read at start
   * @param role the role its tokens carry; never platform-admin
   * @param tenants the tenants it may act in; {@code *} for every tenant
   */
  public record ServiceAccount(
      @NotNull Path secretFile,
      @NotNull
          @Pattern(
              regexp = "tenant-admin|developer|viewer",
              message = "must be tenant-admin, developer or viewer")
          String role,
      @NotEmpty
          List<
                  @Pattern(
                      regexp = "\\*|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
                      message = "must be a tenant name or *")
                  String>
              tenants) {

    /** Whether its tokens may name {@code tenant}. */
    public boolean mayActIn(String tenant) {
      return tenants.contains("*") || tenants.contains(tenant);
    }
  }

  /**
   * Trust in an external issuer (Keycloak, Dex, ADFS...). Its users are named {@code usernamePrefix
   * + <usernameClaim>}, so they never meet a local account, and get roles only from their groups.
   *
   * @param issuer the {@code iss} of its tokens
   * @param jwksUri where its signing keys are published
   * @param audience the {@code aud} its tokens carry for the platform (the client id)
   * @param usernameClaim the claim naming the user
   * @param groupsClaim the claim listing the user's groups
   * @param usernamePrefix prepended to every external user name
   * @param groupBindings per group, the {@code tenant:role} bindings its members get
   */
  public record Oidc(
      @NotBlank String issuer,
      @NotNull URI jwksUri,
      @NotBlank String audience,
      @NotBlank @DefaultValue("preferred_username") String usernameClaim,
      @NotBlank @DefaultValue("groups") String groupsClaim,
      @NotNull @DefaultValue("sso:") @Pattern(regexp = "[a-z0-9._:-]{0,16}") String usernamePrefix,
      @NotNull @DefaultValue
          Map<
                  String,
                  List<
                      @Pattern(
                          regexp =
                              "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?:(platform-admin|tenant-admin|developer|viewer)",
                          message = "must be tenant:role")
                      String>>
              groupBindings) {}
}
