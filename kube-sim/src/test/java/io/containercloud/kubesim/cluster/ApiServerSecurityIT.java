package io.containercloud.kubesim.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.containercloud.kubesim.TestProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each simulated API server as a client of a real cluster meets it: HTTPS with a certificate of the
 * cluster's own CA, bearer-token authentication, {@code /version}, no object lists where there are
 * none. Two clusters with a 20-day serving certificate, through the kubeconfigs kube-sim writes.
 */
class ApiServerSecurityIT {

  private static final Duration SERVING = Duration.ofDays(20);
  private static final String UNAUTHORIZED =
      """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
      "message":"Unauthorized","reason":"Unauthorized","code":401}""";

  private static KubeSim sim;
  private static Instant started;

  @BeforeAll
  static void clusters() throws Exception {
    started = Instant.now();
    sim = KubeSim.start(TestProperties.of(2, 2, "16Gi", SERVING));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void refusesRequestsWithoutTheKubeconfigsTokenWithAnUnauthorizedStatus() throws Exception {
    HttpResponse<String> none = get("room-1", "/api/v1/nodes", null);
    HttpResponse<String> wrong = get("room-1", "/api/v1/nodes", "Bearer not-the-token");
    HttpResponse<String> otherClusters =
        get("room-1", "/api/v1/nodes", "Bearer " + token("room-2"));
    HttpResponse<String> right = get("room-1", "/api/v1/nodes", "Bearer " + token("room-1"));

    for (HttpResponse<String> refused : List.of(none, wrong, otherClusters)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).isEqualTo(UNAUTHORIZED);
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
    }
    assertThat(get("room-1", "/version", null).statusCode()).isEqualTo(401);
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(right.body()).contains("\"kind\":\"Node\"", "room-1-node-1");
  }

  @Test
  void fabric8ThroughTheKubeconfigIsServedAndWithAnotherTokenRefused() throws Exception {
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(kubeconfig("room-1")).build()) {
      assertThat(client.nodes().list().getItems()).hasSize(2);
    }
    Config wrongToken = kubeconfig("room-1");
    wrongToken.setOauthToken("0".repeat(64));
    wrongToken.setRequestRetryBackoffLimit(0);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(wrongToken).build()) {
      assertThatThrownBy(() -> client.nodes().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }
  }

  @Test
  void watchesOverWebSocketsPassTheTlsPort() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (KubernetesClient client =
            new KubernetesClientBuilder().withConfig(kubeconfig("room-2")).build();
        Watch watch =
            client
                .configMaps()
                .inNamespace("watched")
                .watch(
                    new Watcher<>() {
                      @Override
                      public void eventReceived(Action action, ConfigMap resource) {
                        seen.add(action + " " + resource.getMetadata().getName());
                      }

                      @Override
                      public void onClose(WatcherException cause) {}
                    })) {
      client
          .configMaps()
          .inNamespace("watched")
          .resource(new ConfigMapBuilder().withNewMetadata().withName("seen").endMetadata().build())
          .create();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ADDED seen"));
    }
  }

  @Test
  void servesACertificateOfTheClustersOwnCaWithTheConfiguredLifetime() throws Exception {
    X509Certificate ca = caOf("room-1");
    X509Certificate serving = handshake("room-1", trusting(ca));

    serving.verify(ca.getPublicKey()); // signed by the kubeconfig's CA
    assertThat(serving.getSubjectAlternativeNames().stream().map(name -> name.get(1).toString()))
        .containsExactlyInAnyOrder("127.0.0.1", "localhost");
    assertThat(serving.getNotAfter().toInstant())
        .isCloseTo(started.plus(SERVING), within(2, ChronoUnit.MINUTES));
    assertThat(ca.getNotAfter().toInstant())
        .isCloseTo(started.plus(Duration.ofDays(3650)), within(2, ChronoUnit.MINUTES));
    assertThat(ca.getBasicConstraints()).isNotNegative(); // a CA

    // neither another cluster's CA nor the JDK's public ones vouch for it
    assertThatThrownBy(() -> handshake("room-1", trusting(caOf("room-2"))))
        .isInstanceOf(SSLHandshakeException.class);
    assertThatThrownBy(() -> handshake("room-1", SSLContext.getDefault()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void picksChaChaWhenTheClientOffersItAndAesGcmOtherwise() throws Exception {
    SSLContext context = trusting(caOf("room-1"));

    assertThat(session("room-1", context).getCipherSuite())
        .as("the JDK offers AES-GCM first; the server's order decides")
        .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    assertThat(session("room-1", context, "TLS_AES_128_GCM_SHA256").getCipherSuite())
        .isEqualTo("TLS_AES_128_GCM_SHA256");
  }

  @Test
  void answersVersionAndDiscoveryAndNeverAnObjectListForUnknownPaths() throws Exception {
    String token = "Bearer " + token("room-1");
    HttpResponse<String> version = get("room-1", "/version", token);
    assertThat(version.statusCode()).isEqualTo(200);
    assertThat(version.body())
        .contains("\"gitVersion\":\"v1.33.0+kube-sim\"")
        .doesNotContain("items");
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(kubeconfig("room-1")).build()) {
      assertThat(client.getKubernetesVersion().getMinor()).isEqualTo("33");
    }
    for (String path : List.of("/api", "/apis", "/api/v1", "/apis/apps/v1")) {
      HttpResponse<String> discovery = get("room-1", path, token);
      assertThat(discovery.statusCode()).as(path).isEqualTo(200);
      assertThat(discovery.body()).as(path).contains("\"kind\":\"API").doesNotContain("items");
    }
    for (String path : List.of("/", "/apis/example.com/v1", "/openapi/v2")) {
      HttpResponse<String> notFound = get("room-1", path, token);
      assertThat(notFound.statusCode()).as(path).isEqualTo(404);
      assertThat(notFound.body())
          .as(path)
          .startsWith("{\"kind\":\"Status\"")
          .contains("\"reason\":\"NotFound\"")
          .doesNotContain("items");
    }
  }

  private static Config kubeconfig(String cluster) throws Exception {
    return Config.fromKubeconfig(Files.readString(sim.kubeconfig(cluster)));
  }

  /** The bearer token the kubeconfig carries. */
  private static String token(String cluster) throws Exception {
    return Files.readAllLines(sim.kubeconfig(cluster)).stream()
        .map(String::trim)
        .filter(line -> line.startsWith("token: "))
        .map(line -> line.substring("token: ".length()))
        .findFirst()
        .orElseThrow();
  }

  private static X509Certificate caOf(String cluster) throws Exception {
    byte[] pem = Base64.getDecoder().decode(kubeconfig(cluster).getCaCertData());
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
  }

  private static SSLContext trusting(X509Certificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** The leaf the API server presents, after verifying chain and host name as HTTPS does. */
  private static X509Certificate handshake(String cluster, SSLContext context) throws Exception {
    return (X509Certificate) session(cluster, context).getPeerCertificates()[0];
  }

  /** A TLS session with the API port, offering {@code suites} (or the JDK's defaults). */
  private static SSLSession session(String cluster, SSLContext context, String... suites)
      throws Exception {
    URI api = URI.create(sim.apiUrl(cluster));
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(api.getHost(), api.getPort()), 3000);
      socket.setSoTimeout(3000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      if (suites.length > 0) {
        parameters.setCipherSuites(suites);
      }
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket.getSession();
    }
  }

  private static HttpResponse<String> get(String cluster, String path, String authorization)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(trusting(caOf(cluster))).build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sim.apiUrl(cluster) + path))
            .timeout(Duration.ofSeconds(5));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
