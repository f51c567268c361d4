package io.containercloud.nginxagent.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginx.model.VirtualServer;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.tls.CertificateFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RendererTest {

  private final Renderer renderer =
      new Renderer(new Renderer.HostSettings(Path.of("/srv/nginx"), "10.0.0.1", "auto"));

  private final Renderer dynamic =
      new Renderer(
          new Renderer.HostSettings(
              Path.of("/srv/nginx"), "10.0.0.1", "auto", List.of(Path.of("/m/lua.so"))));

  private static final Map<String, CertificateFiles.TlsFiles> CERTIFICATES =
      Map.of(
          "shop-cert",
          new CertificateFiles.TlsFiles(
              Path.of("/certs/shop-cert-0123.crt"), Path.of("/certs/shop-cert-0123.key")));

  @Test
  void tengineGetsItsOwnHealthChecksAndBothGroupsShareByWeight() {
    String text =
        renderer
            .render(
                snapshot(NginxCluster.Flavour.TENGINE, both(), server("shop")),
                Map.of(),
                CERTIFICATES)
            .text();

    assertThat(text)
        .contains("server 10.1.0.1:8080 weight=3 max_fails=3 fail_timeout=5s;")
        .contains("server 10.2.0.9:9000 weight=1 max_fails=3 fail_timeout=5s;")
        .contains("check interval=5000 rise=2 fall=3 timeout=1000 type=http;")
        .contains("check_http_send \"GET /healthz HTTP/1.0\\r\\nConnection: close\\r\\n\\r\\n\";")
        .contains("check_http_expect_alive http_2xx http_3xx;");
  }

  @Test
  void ossNginxGetsNoTengineDirectives() {
    String text =
        renderer
            .render(
                snapshot(NginxCluster.Flavour.NGINX, both(), server("shop")),
                Map.of(),
                CERTIFICATES)
            .text();

    assertThat(text).doesNotContain("check ").contains("listen 10.0.0.1:443 ssl;");
    assertThat(text)
        .contains(
            "ssl_certificate /certs/shop-cert-0123.crt;",
            "ssl_certificate_key /certs/shop-cert-0123.key;",
            "location = /exact {");
  }

  @Test
  void aServerWhoseCertificateIsNotAvailableIsLeftOutWithAWarning() {
    Renderer.Rendered rendered =
        renderer.render(
            snapshot(NginxCluster.Flavour.NGINX, both(), server("shop")), Map.of(), Map.of());

    assertThat(rendered.text()).doesNotContain("server_name shop.example.com");
    assertThat(rendered.warnings())
        .anyMatch(w -> w.contains("server shop left out: certificate shop-cert"));
  }

  @Test
  void failingMembersAreLeftOutButNeverTheLastOne() {
    Snapshot snapshot = snapshot(NginxCluster.Flavour.NGINX, both(), server("shop"));

    String oneDown =
        renderer.render(snapshot, Map.of("shop", Set.of("10.2.0.9:9000")), CERTIFICATES).text();
    Renderer.Rendered allDown =
        renderer.render(
            snapshot, Map.of("shop", Set.of("10.2.0.9:9000", "10.1.0.1:8080")), CERTIFICATES);

    assertThat(oneDown).contains("10.1.0.1:8080").doesNotContain("10.2.0.9:9000");
    assertThat(allDown.text()).contains("10.1.0.1:8080", "10.2.0.9:9000");
    assertThat(allDown.warnings()).anyMatch(w -> w.contains("every member fails"));
  }

  @Test
  void aMissingUpstreamAnswers502AndAnEmptyOneStaysValid() {
    Upstream empty =
        new Upstream(
            "empty",
            "t",
            Upstream.Balance.LEAST_CONN,
            null,
            new Upstream.ContainerGroup("room-1", "ns", "svc", 8080, List.of()),
            Upstream.Active.CONTAINER,
            null,
            check());
    Renderer.Rendered rendered =
        renderer.render(
            snapshot(NginxCluster.Flavour.NGINX, empty, server("nowhere")), Map.of(), CERTIFICATES);

    assertThat(rendered.text()).contains("least_conn;", "server 127.0.0.1:9 down;", "return 502;");
    assertThat(rendered.warnings())
        .anyMatch(w -> w.contains("has no members"))
        .anyMatch(w -> w.contains("upstream nowhere does not exist"));
  }

  @Test
  void aServerWithoutListenersUsesTheClusterDefaults() {
    VirtualServer tls = server("shop");
    VirtualServer defaults =
        new VirtualServer(
            tls.name(), tls.tenant(), tls.serverNames(), null, tls.tls(), tls.locations());

    String text =
        renderer
            .render(snapshot(NginxCluster.Flavour.NGINX, both(), defaults), Map.of(), CERTIFICATES)
            .text();

    assertThat(text).contains("listen 10.0.0.1:80;", "listen 10.0.0.1:443 ssl;");
  }

  @Test
  void theSameSnapshotRendersTheSameText() {
    Snapshot snapshot = snapshot(NginxCluster.Flavour.NGINX, both(), server("shop"));

    assertThat(renderer.render(snapshot, Map.of(), CERTIFICATES).text())
        .isEqualTo(renderer.render(snapshot, Map.of(), CERTIFICATES).text());
  }

  @Test
  void dynamicRoundRobinUpstreamsAreBalancedInLuaAndTheirMembersAreNotStructure() {
    Snapshot snapshot = snapshot(NginxCluster.Flavour.NGINX, both(), server("shop"));

    String text = dynamic.render(snapshot, Map.of(), CERTIFICATES).text();

    assertThat(text)
        .contains("load_module /m/lua.so;")
        .contains("lua_shared_dict platform_upstreams 32m;")
        .contains("listen unix:/srv/nginx/run/admin.sock;")
        .contains(
            "server 10.2.0.9:9000 weight=1 max_fails=3 fail_timeout=5s;\n"
                + "    balancer_by_lua_block { platform_balancer.balance(\"shop\") }\n"
                + "    keepalive 32;");
    Snapshot otherMembers =
        snapshot(
            NginxCluster.Flavour.NGINX,
            both().withMembers(List.of("10.2.0.7", "10.2.0.8")),
            server("shop"));
    assertThat(dynamic.structure(otherMembers, Map.of(), CERTIFICATES).text())
        .isEqualTo(dynamic.structure(snapshot, Map.of(), CERTIFICATES).text())
        .doesNotContain("10.2.0.");
    Snapshot otherServer = snapshot(NginxCluster.Flavour.NGINX, both(), server("elsewhere"));
    assertThat(dynamic.structure(otherServer, Map.of(), CERTIFICATES).text())
        .isNotEqualTo(dynamic.structure(snapshot, Map.of(), CERTIFICATES).text());
    Snapshot noMembers =
        snapshot(
            NginxCluster.Flavour.NGINX,
            both().withVmMembers(List.of()).withMembers(List.of()),
            server("shop"));
    assertThat(dynamic.structure(noMembers, Map.of(), CERTIFICATES).text())
        .as("an upstream emptied needs a reload (502 until it has members)")
        .isNotEqualTo(dynamic.structure(snapshot, Map.of(), CERTIFICATES).text());
  }

  @Test
  void theStructureWarnsAsTheWholeConfigurationDoes() {
    Snapshot noMembers =
        snapshot(
            NginxCluster.Flavour.NGINX,
            both().withVmMembers(List.of()).withMembers(List.of()),
            server("shop"));

    assertThat(dynamic.structure(noMembers, Map.of(), CERTIFICATES).warnings())
        .contains("upstream shop has no members: requests get 502")
        .isEqualTo(dynamic.render(noMembers, Map.of(), CERTIFICATES).warnings());
  }

  @Test
  void tengineAndHashedUpstreamsKeepTheirMembersInTheStructure() {
    Snapshot tengine = snapshot(NginxCluster.Flavour.TENGINE, both(), server("shop"));
    Upstream hashed =
        new Upstream(
            "shop",
            "t",
            Upstream.Balance.LEAST_CONN,
            null,
            new Upstream.ContainerGroup("room-1", "ns", "svc", 9000, List.of("10.2.0.9")),
            Upstream.Active.CONTAINER,
            null,
            check());

    assertThat(dynamic.structure(tengine, Map.of(), CERTIFICATES).text())
        .contains("server 10.2.0.9:9000")
        .doesNotContain("balancer_by_lua_block");
    assertThat(
            dynamic
                .structure(
                    snapshot(NginxCluster.Flavour.NGINX, hashed, server("shop")),
                    Map.of(),
                    CERTIFICATES)
                .text())
        .contains("least_conn;", "server 10.2.0.9:9000")
        .doesNotContain("balancer_by_lua_block");
  }

  private static Snapshot snapshot(
      NginxCluster.Flavour flavour, Upstream upstream, VirtualServer server) {
    return new Snapshot(
        42,
        new NginxCluster("edge", flavour, "2.4.1", "standard", new NginxCluster.Defaults(80, 443)),
        List.of(server),
        List.of(upstream),
        List.of(),
        Map.of(),
        List.of());
  }

  private static Upstream both() {
    return new Upstream(
        "shop",
        "t",
        Upstream.Balance.ROUND_ROBIN,
        new Upstream.VmGroup(
            List.of(new Upstream.VmMember("10.1.0.1", 8080, 1, false, null, null))),
        new Upstream.ContainerGroup("room-1", "ns", "svc", 9000, List.of("10.2.0.9")),
        Upstream.Active.BOTH,
        new Upstream.Weights(3, 1),
        check());
  }

  private static Upstream.HealthCheck check() {
    return new Upstream.HealthCheck("5s", 2, 3, "1s", "/healthz", List.of(200, 302));
  }

  private static VirtualServer server(String upstream) {
    return new VirtualServer(
        "shop",
        "t",
        List.of("shop.example.com"),
        List.of(new VirtualServer.Listen(443, true, false)),
        new VirtualServer.Tls("shop-cert"),
        List.of(
            new VirtualServer.Location(
                "/exact",
                VirtualServer.Match.EXACT,
                upstream,
                null,
                "30s",
                null,
                Map.of("X-Team", "payments"),
                false,
                null)));
  }
}
