package io.containercloud.common.security;

import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security every servlet service shares: stateless, every request needs an access token signed
 * by the gateway (verified against its JWKS, with issuer and audience checked), except health
 * probes, metrics and the OpenAPI document. Role checks per endpoint stay in each service, next to
 * the code they protect.
 */
@AutoConfiguration(before = ServletWebSecurityAutoConfiguration.class)
@ConditionalOnClass({SecurityFilterChain.class, JwtDecoder.class})
@ConditionalOnWebApplication(type = Type.SERVLET)
@EnableConfigurationProperties(PlatformSecurityProperties.class)
class ResourceServerAutoConfiguration {

  private static final String[] PUBLIC_PATHS = {
    "/actuator/health",
    "/actuator/health/**",
    "/actuator/prometheus",
    "/actuator/info",
    "/v3/api-docs",
    "/v3/api-docs/**",
    "/error"
  };

  /** Verifies against the gateway's JWKS, each token once ({@link VerifiedTokens}). */
  @Bean
  JwtDecoder platformJwtDecoder(PlatformSecurityProperties properties) {
    NimbusJwtDecoder decoder =
        NimbusJwtDecoder.withJwkSetUri(properties.jwksUri().toString())
            .jwsAlgorithm(SignatureAlgorithm.RS256)
            .build();
    decoder.setClaimSetConverter(TokenClaims.converter());
    OAuth2TokenValidator<Jwt> validator =
        TokenClaims.validator(properties.issuer(), properties.audience());
    decoder.setJwtValidator(validator);
    return new RememberingJwtDecoder(decoder, new VerifiedTokens(validator, Clock.systemUTC()));
  }

  @Bean
  SecurityFilterChain platformSecurity(HttpSecurity http, JwtDecoder decoder, JsonMapper mapper)
      throws Exception {
    ProblemSecurityHandlers handlers = new ProblemSecurityHandlers(mapper);
    http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            a -> a.requestMatchers(PUBLIC_PATHS).permitAll().anyRequest().authenticated())
        .oauth2ResourceServer(
            o ->
                o.jwt(j -> j.decoder(decoder).jwtAuthenticationConverter(roleConverter()))
                    .authenticationEntryPoint(handlers.unauthorized())
                    .accessDeniedHandler(handlers.forbidden()))
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(handlers.unauthorized())
                    .accessDeniedHandler(handlers.forbidden()));
    return http.build();
  }

  /** Maps the {@code roles} claim to {@code ROLE_*} authorities for {@code hasRole} checks. */
  private static JwtAuthenticationConverter roleConverter() {
    JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
    converter.setJwtGrantedAuthoritiesConverter(
        jwt ->
            Caller.fromJwt(jwt).roles().stream()
                .map(role -> new SimpleGrantedAuthority(role.authority()))
                .map(a -> (org.springframework.security.core.GrantedAuthority) a)
                .toList());
    return converter;
  }
}
