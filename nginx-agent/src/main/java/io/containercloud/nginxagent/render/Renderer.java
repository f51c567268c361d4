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

  /**
   * Host-level settings that are not in etcd.
   *
   * @param luaModules the modules that give nginx Lua ({@code load_module} lines); null when the
   *     agent reloads for every change
   */
  public record HostSettings(
      Path prefix, String listenAddress, String workerProcesses, List<Path> luaModules) {

    public HostSettings(Path prefix, String listenAddress, String workerProcesses) {
      this(prefix, listenAddress, workerProcesses, null);
    }

    boolean dynamic() {
      return luaModules != null;
    }
  }

  /** The shared dict the pushed upstream states live in (platform_balancer.lua). */
  static final String SHARED_DICT = "platform_upstreams";

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
    return render(snapshot, down, certificates, true);
  }

  /**
   * What a change must reload nginx for: the configuration without the members of the upstreams the
   * Lua balancer serves (they are pushed) and without the revision. Two snapshots with the same
   * structure differ only in what a push carries. Its warnings are those of the whole
   * configuration.
   */
  public Rendered structure(
      Snapshot snapshot,
      Map<String, Set<String>> down,
      Map<String, CertificateFiles.TlsFiles> certificates) {
    Rendered rendered = render(snapshot, down, certificates, false);
    String text = rendered.text();
    return new Rendered(text.substring(text.indexOf('\n') + 1), rendered.warnings());
  }

  /** Whether the Lua balancer picks this upstream's members (pushed without a reload). */
  public boolean balancedByLua(Upstream upstream, NginxCluster cluster) {
    return host.dynamic()
        && cluster != null
        && cluster.flavour() == NginxCluster.Flavour.NGINX
        && upstream.balance() == Upstream.Balance.ROUND_ROBIN;
  }

  /** The socket of the admin server the agent pushes upstream states to. */
  public Path adminSocket() {
    return host.prefix().toAbsolutePath().resolve("run").resolve("admin.sock");
  }

  /** The folder the balancer's Lua code is read from. */
  public Path luaFolder() {
    return host.prefix().toAbsolutePath().resolve("lua");
  }

  private Rendered render(
      Snapshot snapshot,
      Map<String, Set<String>> down,
      Map<String, CertificateFiles.TlsFiles> certificates,
      boolean members) {
    List<String> warnings = new ArrayList<>(snapshot.problems());
    StringBuilder out = new StringBuilder();
    String prefix = host.prefix().toAbsolutePath().toString();
    out.append("# Rendered by nginx-agent from etcd revision ")
        .append(snapshot.revision())
        .append(". Do not edit: the next change replaces it.\n");
    if (host.dynamic()) {
      host.luaModules()
          .forEach(m -> out.append("load_module ").append(m.toAbsolutePath()).append(";\n"));
    }
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
    if (host.dynamic()) {
      admin(out);
    }
    if (snapshot.cluster() == null) {
      warnings.add("cluster settings are missing: serving nothing");
      return new Rendered(out.append("}\n").toString(), warnings);
    }
    boolean tengine = snapshot.cluster().flavour() == NginxCluster.Flavour.TENGINE;
    Set<String> upstreamNames = new TreeSet<>();
    for (Upstream upstream : sorted(snapshot.upstreams())) {
      upstreamNames.add(upstream.name());
      boolean lua = balancedByLua(upstream, snapshot.cluster());
      upstream(
          out,
          upstream,
          down.getOrDefault(upstream.name(), Set.of()),
          tengine,
          lua,
          members || !lua,
          warnings);
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

  /**
   * The Lua balancer's shared dict and code, and the admin server the agent pushes to: a unix
   * socket in a folder only the agent's user may enter.
   */
  private void admin(StringBuilder out) {
    out.append("  lua_shared_dict ").append(SHARED_DICT).append(" 32m;\n");
    out.append("  lua_package_path \"").append(luaFolder()).append("/?.lua;;\";\n");
    out.append("  init_by_lua_block { platform_balancer = require \"platform_balancer\" }\n");
    out.append("  server {\n");
    out.append("    listen unix:").append(adminSocket()).append(";\n");
    out.append("    access_log off;\n");
    out.append("    client_max_body_size 1m;\n    client_body_buffer_size 1m;\n");
    out.append("    location /upstreams { content_by_lua_block { platform_balancer.admin() } }\n");
    out.append("    location / { return 404; }\n  }\n");
  }

  /**
   * An upstream block. Under the Lua balancer its rendered members serve only until the agent
   * pushes the upstream's state (right after nginx starts); without {@code members} they are left
   * out (the structure compared to tell a push from a reload).
   */
  private static void upstream(
      StringBuilder out,
      Upstream upstream,
      Set<String> down,
      boolean tengine,
      boolean lua,
      boolean members,
      List<String> warnings) {
    if (!members) {
      serving(upstream, down, warnings); // pushed, but warned about all the same
      out.append("  upstream ").append(upstream.name()).append(" {\n");
      if (members(upstream).isEmpty()) {
        out.append("    # no members: 502 until it has some, a reload either way\n");
      }
      out.append("    balancer_by_lua_block { platform_balancer.balance(\"")
          .append(upstream.name())
          .append("\") }\n    keepalive 32;\n  }\n");
      return;
    }
    upstreamWithMembers(out, upstream, down, tengine, lua, warnings);
  }

  /**
   * The members that serve: those the probes did not find down, or all of them when no primary
   * would be left (never an empty upstream). What is wrong goes to {@code warnings}.
   */
  public static List<Member> serving(Upstream upstream, Set<String> down, List<String> warnings) {
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
    if (serving.isEmpty()) {
      warnings.add("upstream " + upstream.name() + " has no members: requests get 502");
    }
    return serving;
  }

  private static void upstreamWithMembers(
      StringBuilder out,
      Upstream upstream,
      Set<String> down,
      boolean tengine,
      boolean lua,
      List<String> warnings) {
    List<Member> serving = serving(upstream, down, warnings);
    out.append("  upstream ").append(upstream.name()).append(" {\n");
    switch (upstream.balance()) {
      case LEAST_CONN -> out.append("    least_conn;\n");
      case IP_HASH -> out.append("    ip_hash;\n");
      case ROUND_ROBIN -> {}
    }
    if (serving.isEmpty()) {
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
    if (lua) {
      // after the server lines, before keepalive (which wraps the balancer it finds)
      out.append("    balancer_by_lua_block { platform_balancer.balance(\"")
          .append(upstream.name())
          .append("\") }\n");
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
  public static long seconds(String duration) {
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
