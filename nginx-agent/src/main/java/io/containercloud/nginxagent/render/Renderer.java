package io.containercloud.nginxagent.render;

import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginx.model.VirtualServer;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.tls.CertificateFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders a snapshot into one complete nginx configuration with the cluster's template set ({@code
 * standard}). Every value it writes passed the allow-lists of {@code Syntax} when read, so none can
 * end a directive; values are still written in the one form nginx reads them (quoted text for
 * header values, bare tokens elsewhere). Output is deterministic: the same snapshot and health give
 * the same text, so an unchanged configuration is never reloaded.
 */
public final class Renderer {

  /** Host-level settings that are not in etcd. */
  public record HostSettings(Path prefix, String listenAddress, String workerProcesses) {}

  /** The configuration text and what the operator should know about it. */
  public record Rendered(String text, List<String> warnings) {}

  private final HostSettings host;

  public Renderer(HostSettings host) {
    this.host = host;
  }

  /**
   * @param snapshot what etcd holds
   * @param down per upstream, the members ({@code host:port}) the agent's probes found failing
   * @param certificates the files of each managed certificate, by name; a server whose certificate
   *     is missing here is left out
   */
  public Rendered render(
      Snapshot snapshot,
      Map<String, Set<String>> down,
      Map<String, CertificateFiles.TlsFiles> certificates) {
    List<String> warnings = new ArrayList<>(snapshot.problems());
    StringBuilder out = new StringBuilder();
    String prefix = host.prefix().toAbsolutePath().toString();
    out.append("# Rendered by nginx-agent from etcd revision ")
        .append(snapshot.revision())
        .append(". Do not edit: the next change replaces it.\n");
    out.append("worker_processes ").append(host.workerProcesses()).append(";\n");
    out.append("pid ").append(prefix).append("/logs/nginx.pid;\n");
    out.append("error_log ").append(prefix).append("/logs/error.log warn;\n");
    out.append("events {\n  worker_connections 4096;\n}\n");
    out.append("http {\n");
    out.append("  access_log ")
        .append(prefix)
        .append("/logs/access.log combined buffer=32k flush=5s;\n");
    for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      out.append("  ")
          .append(temp)
          .append("_temp_path ")
          .append(prefix)
          .append("/tmp/")
          .append(temp)
          .append(";\n");
    }
    out.append("  server_tokens off;\n");
    out.append(
        "  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n  }\n");
    if (snapshot.cluster() == null) {
      warnings.add("cluster settings are missing: serving nothing");
      return new Rendered(out.append("}\n").toString(), warnings);
    }
    boolean tengine = snapshot.cluster().flavour() == NginxCluster.Flavour.TENGINE;
    Set<String> upstreamNames = new TreeSet<>();
    for (Upstream upstream : sorted(snapshot.upstreams())) {
      upstreamNames.add(upstream.name());
      upstream(out, upstream, down.getOrDefault(upstream.name(), Set.of()), tengine, warnings);
    }
    for (VirtualServer server : sortedServers(snapshot.servers())) {
      CertificateFiles.TlsFiles tls =
          server.tls() == null ? null : certificates.get(server.tls().certificate());
      if (server.tls() != null && tls == null) {
        warnings.add(
            "server "
                + server.name()
                + " left out: certificate "
                + server.tls().certificate()
                + " is not available");
        continue;
      }
      server(
          out,
          server,
          listeners(server, snapshot.cluster().defaults()),
          upstreamNames,
          tls,
          warnings);
    }
    return new Rendered(out.append("}\n").toString(), warnings);
  }

  /** A member as nginx's {@code server} line names it. */
  public record Member(
      String address, int weight, boolean backup, int maxFails, String failTimeout) {}

  /** The members that serve, by the upstream's active group(s) and weights. */
  public static List<Member> members(Upstream upstream) {
    List<Member> members = new ArrayList<>();
    int fall = upstream.healthCheck().fall();
    Upstream.Active active = upstream.active();
    int vmShare = active == Upstream.Active.BOTH ? upstream.weights().vm() : 1;
    int containerShare = active == Upstream.Active.BOTH ? upstream.weights().container() : 1;
    if (active != Upstream.Active.CONTAINER && upstream.vm() != null && vmShare > 0) {
      for (Upstream.VmMember m : upstream.vm().members()) {
        members.add(
            new Member(
                address(m.host(), m.port()),
                (m.weight() == null ? 1 : m.weight()) * vmShare,
                m.backup(),
                m.maxFails() == null ? fall : m.maxFails(),
                m.failTimeout() == null ? upstream.healthCheck().interval() : m.failTimeout()));
      }
    }
    if (active != Upstream.Active.VM && upstream.container() != null && containerShare > 0) {
      List<String> ips =
          upstream.container().members() == null ? List.of() : upstream.container().members();
      for (String ip : ips) {
        members.add(
            new Member(
                address(ip, upstream.container().port()),
                containerShare,
                false,
                fall,
                upstream.healthCheck().interval()));
      }
    }
    return members;
  }

  private static void upstream(
      StringBuilder out,
      Upstream upstream,
      Set<String> down,
      boolean tengine,
      List<String> warnings) {
    List<Member> members = members(upstream);
    List<Member> serving =
        members.stream().filter(m -> !down.contains(m.address())).collect(Collectors.toList());
    if (serving.stream().noneMatch(m -> !m.backup()) && !members.isEmpty()) {
      if (!down.isEmpty()) {
        warnings.add(
            "upstream "
                + upstream.name()
                + ": every member fails its health check; keeping them all");
      }
      serving = members;
    }
    out.append("  upstream ").append(upstream.name()).append(" {\n");
    switch (upstream.balance()) {
      case LEAST_CONN -> out.append("    least_conn;\n");
      case IP_HASH -> out.append("    ip_hash;\n");
      case ROUND_ROBIN -> {}
    }
    if (serving.isEmpty()) {
      warnings.add("upstream " + upstream.name() + " has no members: requests get 502");
      out.append("    server 127.0.0.1:9 down;\n");
    }
    for (Member m : serving) {
      out.append("    server ")
          .append(m.address())
          .append(" weight=")
          .append(m.weight())
          .append(" max_fails=")
          .append(m.maxFails())
          .append(" fail_timeout=")
          .append(seconds(m.failTimeout()))
          .append('s');
      out.append(m.backup() ? " backup;\n" : ";\n");
    }
    if (tengine) {
      Upstream.HealthCheck check = upstream.healthCheck();
      out.append("    check interval=")
          .append(millis(check.interval()))
          .append(" rise=")
          .append(check.rise())
          .append(" fall=")
          .append(check.fall())
          .append(" timeout=")
          .append(millis(check.timeout()))
          .append(" type=http;\n");
      out.append("    check_http_send \"GET ")
          .append(check.path())
          .append(" HTTP/1.0\\r\\nConnection: close\\r\\n\\r\\n\";\n");
      out.append("    check_http_expect_alive ")
          .append(
              check.expectedStatuses().stream()
                  .map(status -> "http_" + status / 100 + "xx")
                  .distinct()
                  .sorted()
                  .collect(Collectors.joining(" ")))
          .append(";\n");
    }
    out.append("    keepalive 32;\n  }\n");
  }

  /** The server's own listeners, or the cluster's default ports. */
  private static List<VirtualServer.Listen> listeners(
      VirtualServer server, NginxCluster.Defaults defaults) {
    if (server.listen() != null && !server.listen().isEmpty()) {
      return server.listen();
    }
    List<VirtualServer.Listen> listen = new ArrayList<>();
    listen.add(new VirtualServer.Listen(defaults.httpPort(), false, false));
    if (server.tls() != null) {
      listen.add(new VirtualServer.Listen(defaults.httpsPort(), true, false));
    }
    return listen;
  }

  private void server(
      StringBuilder out,
      VirtualServer server,
      List<VirtualServer.Listen> listeners,
      Set<String> upstreams,
      CertificateFiles.TlsFiles tls,
      List<String> warnings) {
    out.append("  # server ")
        .append(server.name())
        .append(" (tenant ")
        .append(server.tenant())
        .append(")\n");
    out.append("  server {\n");
    for (VirtualServer.Listen listen : listeners) {
      out.append("    listen ").append(host.listenAddress()).append(':').append(listen.port());
      if (listen.ssl()) {
        out.append(" ssl");
      }
      if (listen.http2()) {
        out.append(" http2");
      }
      out.append(";\n");
    }
    out.append("    server_name ").append(String.join(" ", server.serverNames())).append(";\n");
    if (tls != null) {
      out.append("    ssl_certificate ").append(tls.chain().toAbsolutePath()).append(";\n");
      out.append("    ssl_certificate_key ").append(tls.key().toAbsolutePath()).append(";\n");
    }
    for (VirtualServer.Location location : server.locations()) {
      out.append("    location ");
      if (location.match() == VirtualServer.Match.EXACT) {
        out.append("= ");
      }
      out.append(location.path()).append(" {\n");
      if (!upstreams.contains(location.upstream())) {
        warnings.add(
            "server "
                + server.name()
                + " location "
                + location.path()
                + ": upstream "
                + location.upstream()
                + " does not exist; answering 502");
        out.append("      return 502;\n    }\n");
        continue;
      }
      out.append("      proxy_pass http://").append(location.upstream()).append(";\n");
      directive(out, "proxy_connect_timeout", location.connectTimeout());
      directive(out, "proxy_read_timeout", location.readTimeout());
      directive(out, "proxy_send_timeout", location.sendTimeout());
      directive(out, "client_max_body_size", location.clientMaxBodySize());
      out.append("      proxy_http_version 1.1;\n");
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Host", "$host");
      headers.put("X-Real-IP", "$remote_addr");
      headers.put("X-Forwarded-For", "$proxy_add_x_forwarded_for");
      headers.put("X-Forwarded-Proto", "$scheme");
      headers.put("Connection", location.websocket() ? "$connection_upgrade" : "");
      if (location.websocket()) {
        headers.put("Upgrade", "$http_upgrade");
      }
      if (location.setHeaders() != null) {
        new java.util.TreeMap<>(location.setHeaders()).forEach(headers::put);
      }
      headers.forEach(
          (name, value) ->
              out.append("      proxy_set_header ")
                  .append(name)
                  .append(" \"")
                  .append(value)
                  .append("\";\n"));
      out.append("    }\n");
    }
    out.append("  }\n");
  }

  private static void directive(StringBuilder out, String name, String value) {
    if (value != null) {
      out.append("      ").append(name).append(' ').append(value).append(";\n");
    }
  }

  private static String address(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** nginx reads fail_timeout in whole seconds: rounded up, at least one. */
  private static long seconds(String duration) {
    return Math.max(1, (millis(duration) + 999) / 1000);
  }

  /** An allow-listed nginx time ({@code 500ms}, {@code 5s}, {@code 1m}) in milliseconds. */
  public static long millis(String duration) {
    if (duration.endsWith("ms")) {
      return Long.parseLong(duration.substring(0, duration.length() - 2));
    }
    long n = Long.parseLong(duration.substring(0, duration.length() - 1));
    return duration.endsWith("m") ? n * 60_000 : n * 1_000;
  }

  private static List<Upstream> sorted(List<Upstream> upstreams) {
    return upstreams.stream().sorted(java.util.Comparator.comparing(Upstream::name)).toList();
  }

  private static List<VirtualServer> sortedServers(List<VirtualServer> servers) {
    return servers.stream().sorted(java.util.Comparator.comparing(VirtualServer::name)).toList();
  }
}
