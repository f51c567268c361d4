package io.containercloud.gateway.login;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Role;
import io.containercloud.gateway.GatewayProperties;
import io.containercloud.gateway.identity.IdentityStore;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Users of the configured external OpenID Connect issuer: their ID token is verified against the
 * issuer's published keys (issuer, audience and expiry checked) and their roles come from the
 * configured group bindings only.
 */
@Component
@ConditionalOnProperty("platform.gateway.oidc.issuer")
class ExternalIdentities {

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private final GatewayProperties.Oidc oidc;
  private final NimbusReactiveJwtDecoder decoder;

  ExternalIdentities(GatewayProperties properties) {
    this.oidc = properties.oidc();
    this.decoder =
        NimbusReactiveJwtDecoder.withJwkSetUri(oidc.jwksUri().toString())
            .jwsAlgorithm(SignatureAlgorithm.RS256)
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .build();
    OAuth2Error wrongAudience =
        new OAuth2Error("invalid_token", "The token is not meant for this platform", null);
    decoder.setJwtValidator(
        new DelegatingOAuth2TokenValidator<>(
            JwtValidators.createDefaultWithIssuer(oidc.issuer()),
            jwt ->
                jwt.getAudience() != null && jwt.getAudience().contains(oidc.audience())
                    ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(wrongAudience)));
  }

  /** The platform user name of a verified external ID token and the bindings its groups give. */
  record Identity(String username, List<IdentityStore.Binding> bindings) {}

  Mono<Identity> verify(String idToken) {
    return decoder
        .decode(idToken)
        .onErrorMap(
            JwtException.class,
            e ->
                new ResponseStatusException(
                    HttpStatus.UNAUTHORIZED, "The identity token is not valid.", e))
        .map(this::identityOf);
  }

  private Identity identityOf(Jwt jwt) {
    String name = jwt.getClaimAsString(oidc.usernameClaim());
    if (name == null || !USERNAME.matcher(name).matches()) {
      throw ProblemException.forbidden(
          "The identity token's '" + oidc.usernameClaim() + "' is missing or not a user name.");
    }
    Object groups = jwt.getClaims().get(oidc.groupsClaim());
    List<IdentityStore.Binding> bindings =
        groups instanceof Collection<?> names
            ? names.stream()
                .map(String::valueOf)
                .flatMap(g -> oidc.groupBindings().getOrDefault(g, List.of()).stream())
                .distinct()
                .map(ExternalIdentities::binding)
                .toList()
            : List.of();
    return new Identity(oidc.usernamePrefix() + name, bindings);
  }

  private static IdentityStore.Binding binding(String tenantAndRole) {
    int colon = tenantAndRole.indexOf(':');
    return new IdentityStore.Binding(
        tenantAndRole.substring(0, colon),
        Role.fromClaim(tenantAndRole.substring(colon + 1)).orElseThrow());
  }
}
