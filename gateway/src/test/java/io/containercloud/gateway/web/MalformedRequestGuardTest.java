package io.containercloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MalformedRequestGuardTest {

  @Test
  void usualTargetsAreUris() {
    for (String target :
        new String[] {
          "/api/dns/records?zone=platform.test&limit=5",
          "/api/nginx/clusters/local/servers/a%20b",
          "/api/echo/a;b",
          "/api/echo/%2e%2e/x",
          "*",
          "http://127.0.0.1:8080/api/echo/x"
        }) {
      assertThat(MalformedRequestGuard.isUri(target)).as(target).isTrue();
    }
  }

  @Test
  void targetsWithRawForbiddenCharactersAreNot() {
    for (String target :
        new String[] {
          "/api/echo/a|b",
          "/api/echo/a\\b",
          "/api/echo/a\"b",
          "/api/echo/a{b}",
          "/api/echo/a\u0001b",
          "/api/echo/%zz",
          "/api/echo/a b",
          "/api/echo/a[0]"
        }) {
      assertThat(MalformedRequestGuard.isUri(target)).as(target).isFalse();
    }
  }

  @Test
  void anInstanceIsAlwaysAValidUriPath() {
    assertThat(ProblemWriter.asUriPath("/api/echo/things/1")).isEqualTo("/api/echo/things/1");
    assertThat(ProblemWriter.asUriPath("/api/echo/a%20b;c=d")).isEqualTo("/api/echo/a%20b;c=d");
    assertThat(ProblemWriter.asUriPath("/api/echo/a|b?x=1")).isEqualTo("/api/echo/a%7Cb");
    assertThat(ProblemWriter.asUriPath("/api/echo/%zz\u0001\"")).isEqualTo("/api/echo/%25zz%01%22");
    assertThat(ProblemWriter.asUriPath("/api/echo/\u00c3\u00a9")).isEqualTo("/api/echo/%C3%A9");
    assertThat(ProblemWriter.asUriPath("/api/echo/\u20ac")).isEqualTo("/api/echo/%E2%82%AC");
  }
}
