package io.containercloud.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * The dns-service API over HTTP and the local BIND over DNS, as the tests use them.
 *
 * <p>The tests work in a zone of their own that the local BIND serves beside the platform's {@code
 * platform.test} ({@code scripts/infra.sh}), so a test run never adds, changes or leaves a name in
 * the platform's zone; {@link #cleanUp} empties the test zone after each test.
 */
final class DnsFixture {

  static final String ZONE = "dns-tests.test";
  static final String ADMIN = TestTokens.token("root", "platform", Role.PLATFORM_ADMIN);
  // the key of scripts/infra/tsig.key, to change BIND behind the platform's back
  private static final TSIG LOCAL_KEY =
      new TSIG(TSIG.HMAC_SHA256, "platform-key", "Gw3Ym8K+Wh7OnwWUhOzFcAuYwqCGSQrULw4vOqLgcUQ=");

  private final int port;

  DnsFixture(int port) {
    this.port = port;
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "." + ZONE;
  }

  void ensureZone() {
    HttpResponse<String> response =
        send(
            "POST",
            "/zones",
            ADMIN,
            """
            {"name": "dns-tests.test", "serverHost": "127.0.0.1", "serverPort": 10053,
             "tsigKey": "platform-key", "defaultTtl": 300}
            """);
    assertThat(response.statusCode())
        .as(
            "registering the test zone answered %s; a BIND started before scripts/infra.sh served"
                + " %s learns it with `bash scripts/infra.sh status` (when started from this"
                + " checkout) or a restart of BIND",
            response.body(), ZONE)
        .isIn(201, 409);
  }

  /**
   * Leaves the test database managing only the test zone, and the test zone empty. The record sets
   * go first, so the pusher has nothing left to send; then the zones tests registered or inserted
   * (example.com, ...); then every name but the apex and {@code ns1} leaves the test zone in BIND,
   * in one update. Tests run one class at a time, so nothing else works there meanwhile.
   */
  static void cleanUp(JdbcTemplate jdbc) {
    String database = jdbc.queryForObject("SELECT DATABASE()", String.class);
    assertThat(database).as("cleanUp empties a test database only").endsWith("_test");
    jdbc.update("DELETE FROM dns_record_set");
    jdbc.update("DELETE FROM workload_endpoints");
    jdbc.update("DELETE FROM idempotency_key");
    jdbc.update("DELETE FROM dns_zone WHERE name <> ?", ZONE);
    try {
      Name zone = Name.fromString(ZONE + ".");
      Name ns1 = Name.fromString("ns1", zone);
      ZoneTransferIn xfr =
          ZoneTransferIn.newAXFR(zone, "127.0.0.1", LocalInfra.BIND_PORT, LOCAL_KEY);
      xfr.run();
      Set<Name> names = new TreeSet<>();
      xfr.getAXFR().stream()
          .map(Record::getName)
          .filter(n -> !n.equals(zone) && !n.equals(ns1))
          .forEach(names::add);
      if (names.isEmpty()) {
        return;
      }
      Update update = new Update(zone);
      names.forEach(update::delete);
      assertThat(localResolver().send(update).getRcode()).isZero();
    } catch (IOException | ZoneTransferException e) {
      throw new IllegalStateException("cannot empty the test zone " + ZONE + ": " + e, e);
    }
  }

  /** The names BIND holds in a zone (by AXFR with the local key), apex and {@code ns1} included. */
  static List<String> namesInBind(String zoneName) {
    try {
      ZoneTransferIn xfr =
          ZoneTransferIn.newAXFR(
              Name.fromString(zoneName + "."), "127.0.0.1", LocalInfra.BIND_PORT, LOCAL_KEY);
      xfr.run();
      return xfr.getAXFR().stream()
          .map(r -> r.getName().toString(true).toLowerCase(Locale.ROOT))
          .distinct()
          .sorted()
          .toList();
    } catch (IOException | ZoneTransferException e) {
      throw new IllegalStateException("cannot read zone " + zoneName + ": " + e, e);
    }
  }

  HttpResponse<String> send(String method, String path, String token, String json) {
    return sendWithIfMatch(method, path, token, null, json);
  }

  HttpResponse<String> sendWithIfMatch(
      String method, String path, String token, String ifMatch, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return ServiceContract.send(request.build());
  }

  /** Creates a set as {@code token}; returns its id. */
  long create(String token, String name, String type, String... values) {
    String list = String.join("\", \"", values);
    HttpResponse<String> response =
        send(
            "POST",
            "/records",
            token,
            "{\"name\": \""
                + name
                + "\", \"type\": \""
                + type
                + "\", \"ttl\": 60, \"values\": [\""
                + list
                + "\"]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Long.parseLong(response.body().replaceAll("^\\{\"id\":(\\d+),.*", "$1"));
  }

  String syncStatus(long id) {
    String body = send("GET", "/records/" + id, ADMIN, null).body();
    return body.replaceAll(".*\"sync\":\\{\"status\":\"([A-Z]+)\".*", "$1");
  }

  /** What BIND answers for a name and type, values as the API writes them, sorted. */
  static List<String> answer(String name, int type) {
    try {
      SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
      resolver.setPort(LocalInfra.BIND_PORT);
      resolver.setTimeout(Duration.ofSeconds(2));
      Message response =
          resolver.send(
              Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
      return response.getSection(Section.ANSWER).stream()
          .filter(r -> r.getType() == type)
          .map(r -> r.rdataToString().toLowerCase(Locale.ROOT))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces a set in BIND directly, as an operator with nsupdate would. */
  static void changeBehindThePlatform(String name, int type, String value) {
    try {
      Update update = new Update(Name.fromString(ZONE + "."));
      update.replace(Name.fromString(name + "."), type, 60, value);
      assertThat(localResolver().send(update).getRcode()).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SimpleResolver localResolver() throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
    resolver.setPort(LocalInfra.BIND_PORT);
    resolver.setTCP(true);
    resolver.setTSIGKey(LOCAL_KEY);
    return resolver;
  }

  static final int A = Type.A;
  static final int AAAA = Type.AAAA;
  static final int TXT = Type.TXT;
  static final int CNAME = Type.CNAME;
}
