package io.containercloud.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayPropertiesTest {

  private static final GatewayProperties PROPERTIES =
      new GatewayProperties(
          Map.of("clusters", URI.create("http://a"), "dns", URI.create("http://b")),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null);

  @Test
  void aPathUnderAServicesPrefixIsRouted() {
    assertThat(PROPERTIES.routes("/api/clusters/workloads")).isTrue();
    assertThat(PROPERTIES.routes("/api/dns")).isTrue();
  }

  @Test
  void theGatewaysOwnPathsAndUnknownServicesAreNot() {
    assertThat(PROPERTIES.routes("/api/auth/login")).isFalse();
    assertThat(PROPERTIES.routes("/api/admin/users")).isFalse();
    assertThat(PROPERTIES.routes("/api/clustersx/a")).isFalse();
    assertThat(PROPERTIES.routes("/apis/clusters/a")).isFalse();
    assertThat(PROPERTIES.routes("/.well-known/jwks.json")).isFalse();
  }
}
