package io.containercloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

class BearerTokensTest {

  private final BearerTokens tokens = new BearerTokens();

  @Test
  void takesTheTokenAfterTheSchemeInAnyCase() {
    assertThat(token("Bearer abc.DEF-_~+/.x==")).isEqualTo("abc.DEF-_~+/.x==");
    assertThat(token("bearer abc")).isEqualTo("abc");
  }

  @Test
  void noBearerHeaderIsNoToken() {
    assertThat(convert(null)).isNull();
    assertThat(convert("Basic dXNlcjpwdw==")).isNull();
  }

  @Test
  void aMalformedTokenIsRefused() {
    for (String header :
        new String[] {"Bearer ", "Bearer a b", "Bearer ==", "Bearer a=b", "Bearer a\""}) {
      assertThatThrownBy(() -> convert(header))
          .as(header)
          .isInstanceOf(OAuth2AuthenticationException.class)
          .hasMessageContaining("malformed");
    }
  }

  private String token(String header) {
    return ((BearerTokenAuthenticationToken) convert(header)).getToken();
  }

  private Authentication convert(String header) {
    MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/x");
    if (header != null) {
      request.header("Authorization", header);
    }
    return tokens.convert(MockServerWebExchange.from(request)).block();
  }
}
