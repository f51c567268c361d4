package io.containercloud.nginxmgr;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestCertificates;
import io.containercloud.common.testing.TestEtcd;
import io.containercloud.common.testing.TestTokens;
import io.containercloud.nginx.model.NginxKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What nginx-mgr refuses because nginx could not serve it (certificates, host names), and how an
 * agent's rejection shows on the object and in the convergence view.
 */
@ServiceIntegrationTest
class CertificatesIT {

  private static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  private static final String DEV_A = TestTokens.token("dana", "tenant-a", Role.DEVELOPER);
  private static final String DEV_B = TestTokens.token("bob", "tenant-b", Role.DEVELOPER);
  private static final TestCertificates CERTIFICATES = new TestCertificates();

  @LocalServerPort int port;
  @Autowired Client etcd;

  private String cluster;

  @BeforeEach
  void aFreshCluster() {
    cluster = "tls-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        send("POST", "/clusters", ADMIN, NginxApi.clusterJson(cluster, "1.24.0"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @AfterEach
  void removeTheCluster() {
    TestEtcd.removeNginxCluster(etcd, cluster);
  }

  @Test
  void anUploadedCertificateIsCheckedAndItsKeyIsSealedAndNeverReturned() throws Exception {
    TestCertificates.Issued issued =
        CERTIFICATES.issue(List.of("shop.example.com"), Duration.ofDays(90));

    HttpResponse<String> created = upload(DEV_A, "shop-cert", issued);

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body())
        .contains("\"tenant\":\"tenant-a\"", "\"dnsNames\":[\"shop.example.com\"]", "daysLeft")
        .doesNotContain("PRIVATE KEY", "sealedKey");
    String stored = stored(NginxKeys.certificates(cluster) + "shop-cert");
    assertThat(stored).contains("sealedKey").doesNotContain("PRIVATE KEY");
    assertThat(
            send("GET", "/clusters/" + cluster + "/certificates/shop-cert", DEV_B, null)
                .statusCode())
        .as("another tenant's certificate does not exist for it")
        .isEqualTo(404);
  }

  @Test
  void whatNginxCouldNotServeIs422NamingTheFieldAndNothingIsStored() throws Exception {
    TestCertificates.Issued good =
        CERTIFICATES.issue(List.of("shop.example.com"), Duration.ofDays(90));
    TestCertificates.Issued expired =
        CERTIFICATES.issue(
            List.of("old.example.com"),
            Instant.now().minus(Duration.ofDays(60)),
            Instant.now().minus(Duration.ofDays(1)));
    long before = revision();

    assertRefused(upload(DEV_A, "a", expired), "certificate[0]", "expired");
    assertRefused(
        send(
            "POST",
            "/clusters/" + cluster + "/certificates",
            DEV_A,
            NginxApi.certificateJson("b", good.chain(), TestCertificates.strayKey())),
        "key",
        "does not belong");
    assertRefused(
        send(
            "POST",
            "/clusters/" + cluster + "/certificates",
            DEV_A,
            NginxApi.certificateJson("c", good.ca() + good.leaf(), good.key())),
        "certificate[0]",
        "is not signed by the next");
    assertRefused(
        send(
            "POST",
            "/clusters/" + cluster + "/certificates",
            DEV_A,
            NginxApi.certificateJson("d", "not a certificate", good.key())),
        "certificate",
        "PEM");

    assertThat(revision()).isEqualTo(before);
  }

  @Test
  void aServerNamesOnlyACertificateOfItsOwnTenantAndAUsedOneStays() {
    upload(DEV_A, "shop-cert", CERTIFICATES.issue(List.of("shop.example.com"), Duration.ofDays(9)));
    send("POST", "/clusters/" + cluster + "/upstreams", DEV_A, NginxApi.upstreamJson("shop"));
    String unknown = NginxApi.fill(NginxApi.SERVER, "CERT", "nope");

    assertRefused(
        send("POST", "/clusters/" + cluster + "/servers", DEV_A, unknown),
        "tls.certificate",
        "certificate");
    assertRefused(
        send("POST", "/clusters/" + cluster + "/servers", DEV_B, NginxApi.serverJson("b", "/")),
        "tls.certificate",
        "certificate");
    HttpResponse<String> server =
        send("POST", "/clusters/" + cluster + "/servers", DEV_A, NginxApi.serverJson("shop", "/"));
    assertThat(server.statusCode()).as(server.body()).isEqualTo(201);

    HttpResponse<String> inUse =
        send("DELETE", "/clusters/" + cluster + "/certificates/shop-cert", DEV_A, null);
    assertThat(inUse.statusCode()).isEqualTo(409);
    ServiceContract.assertProblem(inUse, "certificate-in-use");
  }

  @Test
  void aVmHostNameMustResolveAndIpHashTakesNoBackup() {
    String unresolvable = NginxApi.fill(NginxApi.UPSTREAM, "HOST", "xn--e1afmkfd.xn--p1ai");
    assertRefused(
        send("POST", "/clusters/" + cluster + "/upstreams", DEV_A, unresolvable),
        "vm.members[0].host",
        "does not resolve");

    HttpResponse<String> named =
        send(
            "POST",
            "/clusters/" + cluster + "/upstreams",
            DEV_A,
            NginxApi.fill(NginxApi.UPSTREAM, "HOST", "localhost"));
    assertThat(named.statusCode()).as(named.body()).isEqualTo(201);

    HttpResponse<String> backup =
        send(
            "POST",
            "/clusters/" + cluster + "/upstreams",
            DEV_A,
            NginxApi.fill(NginxApi.UPSTREAM, "NAME", "other")
                .replace("round-robin", "ip-hash")
                .replace("\"weight\":1,", "\"weight\":1,\"backup\":true,"));
    assertThat(backup.statusCode()).as(backup.body()).isEqualTo(400);
    assertThat(backup.body()).contains("ip-hash balancing takes no backup members");
  }

  @Test
  void anObjectAnAgentLeftOutShowsRejectedWithTheReasonToItsTenantOnly() throws Exception {
    HttpResponse<String> upstream =
        send("POST", "/clusters/" + cluster + "/upstreams", DEV_A, NginxApi.upstreamJson("shop"));
    long revision = Long.parseLong(NginxApi.etag(upstream).replace("\"", ""));
    assertThat(upstream.body()).contains("\"status\":{\"state\":\"no-agents\"");
    // what an agent that left the upstream out writes (nginx-agent's tests run the real one)
    etcd.getKVClient()
        .put(
            bytes(NginxKeys.agents(cluster) + "host-1"),
            bytes(
                """
                {"host":"host-1","appliedRevision":%d,"lastError":null,"warnings":[],
                 "health":{},"rejected":[{"kind":"upstream","name":"shop","tenant":"tenant-a",
                 "revision":%d,"reason":"nginx: [emerg] something nginx refused"}]}"""
                    .formatted(revision, revision)))
        .get();

    String shown = send("GET", "/clusters/" + cluster + "/upstreams/shop", DEV_A, null).body();
    assertThat(shown)
        .contains("\"state\":\"rejected\"", "something nginx refused", "\"hosts\":[\"host-1\"]");
    String convergence = send("GET", "/clusters/" + cluster + "/convergence", DEV_A, null).body();
    assertThat(convergence).contains("\"converged\":false", "something nginx refused");
    assertThat(send("GET", "/clusters/" + cluster + "/convergence", DEV_B, null).body())
        .doesNotContain("something nginx refused");

    HttpResponse<String> sentBack =
        send(
            "PUT",
            "/clusters/" + cluster + "/upstreams/shop",
            DEV_A,
            NginxApi.etag(upstream),
            shown);
    assertThat(sentBack.statusCode()).as("status is read only and ignored").isEqualTo(200);
    assertThat(sentBack.body())
        .as("no agent has the new revision yet")
        .contains("\"state\":\"pending\"", "\"hosts\":[\"host-1\"]");
  }

  private static void assertRefused(HttpResponse<String> response, String field, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body()).contains("\"" + field + "\"", reason);
  }

  private HttpResponse<String> upload(String token, String name, TestCertificates.Issued issued) {
    return send(
        "POST",
        "/clusters/" + cluster + "/certificates",
        token,
        NginxApi.certificateJson(name, issued));
  }

  private HttpResponse<String> send(String method, String path, String token, String json) {
    return new NginxApi(port).send(method, path, token, null, json);
  }

  private HttpResponse<String> send(
      String method, String path, String token, String ifMatch, String json) {
    return new NginxApi(port).send(method, path, token, ifMatch, json);
  }

  private String stored(String key) throws Exception {
    return etcd.getKVClient()
        .get(bytes(key))
        .get()
        .getKvs()
        .get(0)
        .getValue()
        .toString(StandardCharsets.UTF_8);
  }

  private long revision() throws Exception {
    return etcd.getKVClient().get(bytes("/nginx/v1/")).get().getHeader().getRevision();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
