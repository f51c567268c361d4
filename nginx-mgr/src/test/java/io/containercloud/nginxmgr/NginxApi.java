package io.containercloud.nginxmgr;

import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.TestCertificates;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** The nginx-mgr API over HTTP, and valid objects to send it. */
final class NginxApi {

  private final int port;

  NginxApi(int port) {
    this.port = port;
  }

  static String clusterJson(String name, String version) {
    return """
        {"name":"%s","flavour":"nginx","version":"%s","templateSet":"standard",
         "defaults":{"httpPort":80,"httpsPort":443}}"""
        .formatted(name, version);
  }

  /** Valid values of the placeholders in the templates below. */
  static final Map<String, String> VALID =
      Map.ofEntries(
          Map.entry("NAME", "shop"),
          Map.entry("SERVER_NAME", "shop.example.com"),
          Map.entry("/PATH", "/"),
          Map.entry("UPSTREAM", "shop"),
          Map.entry("READ", "30s"),
          Map.entry("SIZE", "10m"),
          Map.entry("CERT", "shop-cert"),
          Map.entry("HEADER", "X-Team"),
          Map.entry("HEADER_VALUE", "$remote_addr"),
          Map.entry("HOST", "10.0.0.7"),
          Map.entry("FAIL", "10s"),
          Map.entry("/HEALTH", "/healthz"),
          Map.entry("INTERVAL", "5s"),
          Map.entry("SERVICE", "shop-api"));

  static final String UPSTREAM =
      """
      {"name":"NAME","balance":"round-robin","active":"both","weights":{"vm":50,"container":50},
       "vm":{"members":[{"host":"HOST","port":8080,"weight":1,"maxFails":3,"failTimeout":"FAIL"}]},
       "container":{"cluster":"room-1","namespace":"shop","service":"SERVICE","port":8080},
       "healthCheck":{"interval":"INTERVAL","rise":2,"fall":3,"timeout":"1s","path":"/HEALTH",
                      "expectedStatuses":[200]}}""";

  static final String SERVER =
      """
      {"name":"NAME","serverNames":["SERVER_NAME"],"listen":[{"port":443,"ssl":true}],
       "tls":{"certificate":"CERT"},
       "locations":[{"path":"/PATH","match":"prefix","upstream":"UPSTREAM","readTimeout":"READ",
                     "clientMaxBodySize":"SIZE","setHeaders":{"HEADER":"HEADER_VALUE"}}]}""";

  /** The template with {@code placeholder} set to {@code raw} (JSON text) and the rest valid. */
  static String fill(String template, String placeholder, String raw) {
    String json = template.replace("\"" + placeholder + "\"", "\"" + raw + "\"");
    for (Map.Entry<String, String> valid : VALID.entrySet()) {
      json = json.replace("\"" + valid.getKey() + "\"", "\"" + valid.getValue() + "\"");
    }
    return json;
  }

  static String upstreamJson(String name) {
    return fill(UPSTREAM, "NAME", name);
  }

  static String serverJson(String name, String path) {
    return fill(SERVER, "NAME", name).replace("\"/\"", "\"" + path + "\"");
  }

  /** A certificate upload for {@code name}: the chain and key of {@code issued}. */
  static String certificateJson(String name, TestCertificates.Issued issued) {
    return certificateJson(name, issued.chain(), issued.key());
  }

  static String certificateJson(String name, String chain, String key) {
    return "{\"name\":\""
        + name
        + "\",\"certificate\":\""
        + chain.replace("\n", "\\n")
        + "\",\"key\":\""
        + key.replace("\n", "\\n")
        + "\"}";
  }

  static String etag(HttpResponse<String> response) {
    return response.headers().firstValue("ETag").orElseThrow();
  }

  HttpResponse<String> send(String method, String path, String token, String ifMatch, String json) {
    HttpRequest.Builder request =
        ServiceContract.request(method, "http://127.0.0.1:" + port + path, token, json);
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return ServiceContract.send(request.build());
  }
}
