package io.containercloud.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutedRequestObservationsTest {

  private static final Set<String> SERVICES = Set.of("clusters", "dns");

  @Test
  void aPathUnderAServicesPrefixIsRouted() {
    assertThat(RoutedRequestObservations.routed("/api/clusters/workloads", SERVICES)).isTrue();
    assertThat(RoutedRequestObservations.routed("/api/dns", SERVICES)).isTrue();
  }

  @Test
  void theGatewaysOwnPathsAndUnknownServicesAreNot() {
    assertThat(RoutedRequestObservations.routed("/api/auth/login", SERVICES)).isFalse();
    assertThat(RoutedRequestObservations.routed("/api/admin/users", SERVICES)).isFalse();
    assertThat(RoutedRequestObservations.routed("/api/clustersx/a", SERVICES)).isFalse();
    assertThat(RoutedRequestObservations.routed("/.well-known/jwks.json", SERVICES)).isFalse();
  }
}
