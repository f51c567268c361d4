package io.containercloud.cluster.certificate;

import io.containercloud.cluster.events.ClusterEvents;
import io.containercloud.cluster.registry.ClusterClients;
import io.containercloud.common.leader.Leadership;
import io.containercloud.common.loop.BackgroundLoop;
import io.fabric8.kubernetes.client.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads, for every cluster, when its CA and client certificates (from the kubeconfig) and the API
 * server's serving certificate (from a TLS handshake) expire; shows the days left in the API and as
 * the gauge {@code cluster_certificate_days_left}; and, on the leader, sends {@code
 * cluster.cert-expiring} once per certificate and threshold (a cluster registered with 5 days left
 * gets the 7-day notice, not also the 30-day one).
 */
@Component
public class CertificateExpiry extends BackgroundLoop {

  /** One certificate of a cluster. */
  public record CertificateStatus(
      String certificate, String subject, Instant notAfter, long daysLeft) {}

  private final ClusterClients clients;
  private final Leadership leadership;
  private final ClusterEvents events;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final CertificateProperties properties;
  private final MultiGauge gauge;
  private final Clock clock = Clock.systemUTC();

  CertificateExpiry(
      ClusterClients clients,
      Leadership leadership,
      ClusterEvents events,
      JdbcTemplate jdbc,
      TransactionTemplate tx,
      CertificateProperties properties,
      MeterRegistry meters) {
    super(
        "certificate-expiry",
        properties.checkInterval(),
        Duration.ofSeconds(5),
        properties.checkInterval());
    this.clients = clients;
    this.leadership = leadership;
    this.events = events;
    this.jdbc = jdbc;
    this.tx = tx;
    this.properties = properties;
    this.gauge =
        MultiGauge.builder("cluster.certificate.days.left")
            .description("Days until a cluster's certificate expires")
            .register(meters);
  }

  /** The certificates of a cluster, read now (a cluster registered again may have new ones). */
  public List<CertificateStatus> certificates(String cluster) {
    return read(cluster);
  }

  @Override
  protected boolean round() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (String cluster : clients.registered()) {
      for (CertificateStatus status : read(cluster)) {
        rows.add(
            MultiGauge.Row.of(
                Tags.of("cluster", cluster, "certificate", status.certificate()),
                status.daysLeft()));
        if (leadership.isLeader()) {
          notice(cluster, status);
        }
      }
    }
    gauge.register(rows, true);
    return false;
  }

  private void notice(String cluster, CertificateStatus status) {
    List<Integer> crossed =
        properties.noticeDays().stream()
            .filter(days -> status.daysLeft() <= days)
            .sorted(Comparator.reverseOrder())
            .toList();
    if (crossed.isEmpty()) {
      return;
    }
    tx.executeWithoutResult(
        state -> {
          boolean fresh = false;
          for (int threshold : crossed) {
            fresh |=
                jdbc.update(
                        "INSERT IGNORE INTO certificate_notice"
                            + " (cluster, certificate, not_after, threshold) VALUES (?, ?, ?, ?)",
                        cluster,
                        status.certificate(),
                        Timestamp.from(status.notAfter()),
                        threshold)
                    == 1;
          }
          if (fresh) {
            events.cluster(
                ClusterEvents.Type.CERT_EXPIRING,
                cluster,
                events
                    .data()
                    .put("certificate", status.certificate())
                    .put("subject", status.subject())
                    .put("notAfter", status.notAfter().toString())
                    .put("daysLeft", status.daysLeft())
                    .put("threshold", crossed.get(crossed.size() - 1)));
          }
        });
  }

  private List<CertificateStatus> read(String cluster) {
    List<CertificateStatus> found = new ArrayList<>();
    Config config;
    try {
      config = clients.client(cluster).getConfiguration();
    } catch (RuntimeException e) {
      return found; // credentials that do not decrypt: the registry's health says why
    }
    first(pem(config.getCaCertData(), config.getCaCertFile()))
        .forEach(c -> found.add(status("ca", c)));
    first(pem(config.getClientCertData(), config.getClientCertFile()))
        .forEach(c -> found.add(status("client", c)));
    serving(config.getMasterUrl()).forEach(c -> found.add(status("serving", c)));
    return List.copyOf(found);
  }

  private CertificateStatus status(String kind, X509Certificate certificate) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    return new CertificateStatus(
        kind,
        certificate.getSubjectX500Principal().getName(),
        notAfter,
        Duration.between(clock.instant(), notAfter).toDays());
  }

  private static byte[] pem(String data, String file) {
    try {
      if (data != null && !data.isBlank()) {
        return Base64.getMimeDecoder().decode(data.trim());
      }
      return file == null ? null : Files.readAllBytes(Path.of(file));
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
  }

  /** The leaf of a PEM bundle, as a list of zero or one. */
  private static List<X509Certificate> first(byte[] pem) {
    if (pem == null) {
      return List.of();
    }
    try (InputStream in = new ByteArrayInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .limit(1)
          .toList();
    } catch (GeneralSecurityException | IOException e) {
      return List.of();
    }
  }

  /**
   * The API server's serving certificate, read in a handshake that trusts anything: nothing is sent
   * over it, it only reports what the server presents.
   */
  private static List<X509Certificate> serving(String masterUrl) {
    URI uri = URI.create(masterUrl);
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return List.of();
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new ReportingTrustManager()}, null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
        socket.connect(
            new java.net.InetSocketAddress(
                uri.getHost(), uri.getPort() == -1 ? 443 : uri.getPort()),
            3000);
        socket.setSoTimeout(3000);
        socket.startHandshake();
        Certificate[] chain = socket.getSession().getPeerCertificates();
        return chain.length == 0 ? List.of() : List.of((X509Certificate) chain[0]);
      }
    } catch (GeneralSecurityException | IOException e) {
      return List.of();
    }
  }

  private static final class ReportingTrustManager implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
