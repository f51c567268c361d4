package io.containercloud.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemInstanceTest {

  @Test
  void theGatewaysPrefixGoesInFrontOfTheServicesPath() {
    assertThat(ProblemInstance.of("/api/nginx", "/clusters/x")).isEqualTo("/api/nginx/clusters/x");
    assertThat(ProblemInstance.of("/api/log-center2", "/search"))
        .isEqualTo("/api/log-center2/search");
  }

  @Test
  void withoutAPrefixTheServicesPathStays() {
    assertThat(ProblemInstance.of(null, "/clusters/x")).isEqualTo("/clusters/x");
    assertThat(ProblemInstance.of("", "/clusters/x")).isEqualTo("/clusters/x");
  }

  @Test
  void aPrefixNotOfTheGatewaysShapeIsIgnored() {
    for (String forged :
        new String[] {
          "/evil",
          "/api/",
          "/api/Nginx",
          "/api/nginx/",
          "/api/nginx/../admin",
          "/api/nginx,/api/dns",
          "/api/nginx/api/dns",
          "/api/nginx\"}",
          "/api/nginx\r\nX-Injected: 1",
          "https://evil.example.com/api/nginx",
          "/api/" + "a".repeat(42)
        }) {
      assertThat(ProblemInstance.of(forged, "/clusters/x")).as(forged).isEqualTo("/clusters/x");
    }
  }

  @Test
  void readsThePrefixFromTheHeaderOrWhereForwardedHeaderFilterMovedIt() {
    // the header still visible: no ForwardedHeaderFilter
    assertThat(ProblemInstance.of("/api/dns", "", "/records/7")).isEqualTo("/api/dns/records/7");
    // ForwardedHeaderFilter hid the header and made its value the context path
    assertThat(ProblemInstance.of(null, "/api/dns", "/api/dns/records/7"))
        .isEqualTo("/api/dns/records/7");
    // a forged prefix moved into the context path is taken out again
    assertThat(ProblemInstance.of(null, "/evil/x", "/evil/x/records/7")).isEqualTo("/records/7");
    assertThat(ProblemInstance.of(null, "", "/records/7")).isEqualTo("/records/7");
    assertThat(ProblemInstance.of(null, "/api/dns", "/api/dns")).isEqualTo("/api/dns/");
  }
}
