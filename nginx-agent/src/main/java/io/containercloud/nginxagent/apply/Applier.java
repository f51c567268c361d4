package io.containercloud.nginxagent.apply;

import io.containercloud.nginx.hosts.HostNames;
import io.containercloud.nginx.model.AgentReport;
import io.containercloud.nginx.model.ManagedCertificate;
import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginx.model.VirtualServer;
import io.containercloud.nginxagent.balance.BalancerFiles;
import io.containercloud.nginxagent.balance.PeerPush;
import io.containercloud.nginxagent.balance.Pusher;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.config.Snapshot.Ref;
import io.containercloud.nginxagent.health.MemberProbes;
import io.containercloud.nginxagent.isolate.Isolation;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.containercloud.nginxagent.nginx.NginxControl;
import io.containercloud.nginxagent.render.Renderer;
import io.containercloud.nginxagent.tls.CertificateFiles;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the local nginx serve a snapshot. It renders the snapshot, and when the text differs from
 * what nginx serves it writes a candidate file, runs {@code nginx -t} on it, renames it over {@code
 * conf/nginx.conf} and reloads; a candidate that fails is never used. The file in place is so
 * always a configuration that passed {@code nginx -t}, and nginx can be (re)started from it while
 * etcd is away.
 *
 * <p>When nginx refuses a candidate, the objects it refuses are found by bisection ({@link
 * Isolation}) and left out, so one tenant's broken object never holds back the others; an object
 * refused before and unchanged since stays out without a new search until the minute's recheck.
 * Members whose host names do not resolve and servers whose certificate cannot be written are left
 * out before rendering. What was applied, and what was left out, is in {@link #report()}.
 *
 * <p>One thread applies (the agent's loop); {@link #reloads()} may be read from any.
 */
public final class Applier {

  private static final Logger log = LoggerFactory.getLogger(Applier.class);
  private static final Duration RECHECK = Duration.ofMinutes(1);
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  /** What an apply came to. */
  public sealed interface Outcome {

    /**
     * nginx serves the snapshot's revision (without the objects it refused, which are reported).
     */
    record Served(long revision) implements Outcome {}

    /** nginx refused the configuration: it keeps serving the previous one (reported). */
    record Refused(String reason) implements Outcome {}

    /** nginx did not load a configuration that passed its test: the same is worth another try. */
    record NotLoaded(String reason) implements Outcome {}

    /**
     * A structural change waits for the next reload slot, {@code delay} from now; what needs no
     * reload was pushed meanwhile.
     */
    record Deferred(Duration delay) implements Outcome {}
  }

  /**
   * An object nginx refused at {@code revision}, with what it was rendered with ({@code context}: a
   * server's certificate and upstreams), and why.
   */
  private record Known(long revision, String context, String reason) {}

  private final NginxAgentProperties settings;
  private final NginxControl nginx;
  private final JsonMapper json;
  private Renderer renderer;
  private Pusher pusher; // null: every change reloads
  private final MemberProbes probes;
  private final CertificateFiles files;
  private final Map<Ref, Known> rejections = new HashMap<>();
  private final AtomicLong reloads = new AtomicLong();
  private Instant lastRecheck = Instant.EPOCH;

  // what nginx serves, as the report shows it
  private String servedText;
  private String servedStructure;
  private long structuralRevision;
  private String modeProblem;
  private long appliedRevision;
  private Instant appliedAt;
  private Instant lastReload = Instant.EPOCH;
  private String nginxVersion;
  private String lastError;
  private List<String> warnings = List.of();
  private List<AgentReport.Rejection> rejected = List.of();
  private Map<String, Map<String, String>> unresolved = Map.of();
  private Snapshot lastPushed;

  /**
   * @param probes the member probes of OSS nginx; the applier tells them which members to probe and
   *     leaves out the ones they find down
   * @param files where the managed certificates' files go
   */
  public Applier(
      NginxAgentProperties settings,
      NginxControl nginx,
      MemberProbes probes,
      CertificateFiles files,
      JsonMapper json) {
    this.settings = settings;
    this.nginx = nginx;
    this.json = json;
    this.renderer = renderer(false);
    this.probes = probes;
    this.files = files;
  }

  /**
   * Prepares nginx's folders, finds whether nginx takes the Lua balancer, and (re)starts nginx with
   * the last good configuration, if any.
   */
  public void start() {
    prepareFolders();
    nginxVersion = nginx.version();
    boolean newCode = false;
    if (luaLoads()) {
      renderer = renderer(true);
      newCode = BalancerFiles.install(renderer.luaFolder(), renderer.adminSocket().getParent());
      pusher = new Pusher(new PeerPush(renderer.adminSocket(), json), json);
      log.info("members are pushed to nginx's Lua balancer; reloads only for structural changes");
    } else {
      log.info("every change reloads nginx: {}", modeProblem);
    }
    servedText = read(nginx.config()).orElse(null);
    if (servedText != null) {
      boolean running = nginx.pid().isPresent();
      try {
        nginx.ensureRunning(); // the last good configuration, whether etcd answers or not
        if (newCode && running) {
          // a running nginx keeps the balancer code it loaded: an upgraded agent speaks the new
          reload();
          log.info("reloaded nginx for the balancer code of this agent's version");
        }
      } catch (IllegalStateException e) {
        lastError = e.getMessage();
      }
    }
  }

  /** Whether changes that need no reload are pushed to the Lua balancer. */
  public boolean dynamic() {
    return pusher != null;
  }

  /**
   * Pushes everything again when nginx restarted since the last push (a restart empties the
   * balancer's shared dict; the rendered members serve meanwhile).
   */
  public void repushIfRestarted() {
    if (pusher != null && lastPushed != null && pusher.restarted(nginx.pid())) {
      push(lastPushed, true);
    }
  }

  /** How long until the next reload may happen: at most one per {@code reload-interval}. */
  public Duration untilReloadAllowed() {
    Duration wait = settings.reloadInterval().minus(Duration.between(lastReload, Instant.now()));
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  /** How many times nginx was reloaded. */
  public long reloads() {
    return reloads.get();
  }

  public Outcome apply(Snapshot read) {
    boolean tengine =
        read.cluster() != null && read.cluster().flavour() == NginxCluster.Flavour.TENGINE;
    Snapshot snapshot = withResolvableMembers(read);
    probes.follow(tengine ? List.of() : snapshot.upstreams());
    Map<Ref, String> refused = new TreeMap<>();
    Map<String, CertificateFiles.TlsFiles> certificates = certificates(snapshot, refused);
    Map<String, Set<String>> down = probes.down();
    if (Duration.between(lastRecheck, Instant.now()).compareTo(RECHECK) > 0) {
      rejections.clear();
      lastRecheck = Instant.now();
    }
    // an object refused before and unchanged since stays out without another search
    rejections.forEach(
        (ref, known) -> {
          if (known.revision() == snapshot.revisions().getOrDefault(ref, -1L)
              && known.context().equals(context(snapshot, ref))) {
            refused.putIfAbsent(ref, known.reason());
          }
        });
    List<Ref> objects = snapshot.refs().stream().filter(r -> !refused.containsKey(r)).toList();
    Renderer.Rendered structure = null;
    if (pusher != null) {
      structure = renderer.structure(snapshot.keeping(objects), down, certificates);
      if (structure.text().equals(servedStructure) && servedText != null) {
        Optional<Outcome> failed = push(snapshot.keeping(objects), false);
        return failed.isPresent()
            ? failed.get()
            : served(snapshot, structure.warnings(), refused, certificates);
      }
      Duration wait = untilReloadAllowed();
      if (!wait.isZero()) {
        push(snapshot.keeping(objects), false); // what needs no reload goes now
        return new Outcome.Deferred(wait);
      }
    }
    Renderer.Rendered rendered = renderer.render(snapshot.keeping(objects), down, certificates);
    if (!rendered.text().equals(servedText)) {
      Optional<String> refusal = test(rendered.text());
      if (refusal.isPresent()) {
        Isolation.Outcome outcome =
            Isolation.isolate(
                objects,
                kept -> test(renderer.render(snapshot.keeping(kept), down, certificates).text()));
        if (!(outcome instanceof Isolation.Outcome.Isolated isolated)) {
          return refused("nginx -t refused revision " + snapshot.revision() + ": " + refusal.get());
        }
        refused.putAll(isolated.culprits());
        objects = List.copyOf(isolated.kept());
        rendered = renderer.render(snapshot.keeping(objects), down, certificates);
        structure = null; // of the objects before the isolation
      }
      if (!rendered.text().equals(servedText)) {
        Optional<Outcome> failed = install(rendered.text());
        if (failed.isPresent()) {
          return failed.get();
        }
        structuralRevision = snapshot.revision();
        log.info("applied revision {} ({} objects left out)", snapshot.revision(), refused.size());
      }
    }
    if (pusher != null) {
      servedStructure =
          (structure != null
                  ? structure
                  : renderer.structure(snapshot.keeping(objects), down, certificates))
              .text();
      Optional<Outcome> failed = push(snapshot.keeping(objects), true);
      if (failed.isPresent()) {
        return failed.get();
      }
    }
    return served(snapshot, rendered.warnings(), refused, certificates);
  }

  /**
   * Pushes the members of every upstream the Lua balancer serves: the ones the probes found down
   * left out, unless no primary would be left (then all of them, as the rendered configuration
   * does); host names resolved to the addresses nginx would use.
   */
  private Optional<Outcome> push(Snapshot snapshot, boolean everything) {
    Map<String, List<PeerPush.Member>> states = new TreeMap<>();
    Map<String, Set<String>> down = probes.down();
    for (Upstream upstream : snapshot.upstreams()) {
      if (!renderer.balancedByLua(upstream, snapshot.cluster())) {
        continue;
      }
      List<PeerPush.Member> peers = new ArrayList<>();
      Renderer.serving(upstream, down.getOrDefault(upstream.name(), Set.of()), new ArrayList<>())
          .forEach(m -> peers.addAll(peers(m)));
      if (!peers.isEmpty()) {
        states.put(upstream.name(), peers);
      }
    }
    try {
      pusher.push(states, everything, nginx.pid());
      lastPushed = snapshot;
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      lastPushed = snapshot; // pushed again in full at the next turn
      servedStructure = null;
      lastError = settings.hostId() + " failed: cannot push to nginx's Lua balancer: " + e;
      log.warn(lastError);
      return Optional.of(new Outcome.NotLoaded(e.toString()));
    }
  }

  /** A rendered member as the balancer's peers: one per address its host name has. */
  private static List<PeerPush.Member> peers(Renderer.Member member) {
    String address = member.address();
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    int failTimeout = (int) Renderer.seconds(member.failTimeout());
    List<PeerPush.Member> peers = new ArrayList<>();
    try {
      for (InetAddress ip : InetAddress.getAllByName(host.replace("[", "").replace("]", ""))) {
        String text = ip.getHostAddress();
        peers.add(
            new PeerPush.Member(
                ip instanceof Inet6Address ? "[" + text.replaceFirst("%.*$", "") + "]" : text,
                port,
                member.weight(),
                member.backup(),
                member.maxFails(),
                failTimeout));
      }
    } catch (UnknownHostException e) {
      return List.of(); // left out, as withResolvableMembers reports it
    }
    return peers;
  }

  /** What this host serves, for its report. */
  public AgentReport report() {
    return new AgentReport(
        settings.hostId(),
        appliedRevision,
        appliedAt,
        lastReload.equals(Instant.EPOCH) ? null : lastReload,
        nginxVersion,
        lastError,
        warnings,
        health(),
        rejected,
        pusher != null ? "dynamic" : "reload",
        structuralRevision,
        pusher != null ? pusher.version() : 0);
  }

  private Outcome refused(String reason) {
    lastError = settings.hostId() + " failed: " + reason;
    log.warn(lastError);
    return new Outcome.Refused(reason); // nginx keeps serving the previous configuration
  }

  private Outcome served(
      Snapshot snapshot,
      List<String> rendered,
      Map<Ref, String> refused,
      Map<String, CertificateFiles.TlsFiles> certificates) {
    remember(snapshot, refused);
    appliedRevision = snapshot.revision();
    appliedAt = Instant.now();
    lastError = null;
    List<String> notes = new ArrayList<>(rendered);
    if (modeProblem != null) {
      notes.add("every change reloads nginx: " + modeProblem);
    }
    refused.forEach((ref, reason) -> notes.add(ref + " left out: " + reason));
    warnings = notes;
    files.removeAllBut(certificates.values());
    return new Outcome.Served(snapshot.revision());
  }

  /** Writes {@code text} as the configuration in use and reloads; the failure, if any. */
  private Optional<Outcome> install(String text) {
    Path candidate = candidate(text);
    Optional<String> refusal = nginx.test(candidate);
    if (refusal.isPresent()) {
      lastError = settings.hostId() + " failed: nginx -t refused the candidate: " + refusal.get();
      return Optional.of(new Outcome.Refused(refusal.get()));
    }
    try {
      Files.move(
          candidate,
          nginx.config(),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("cannot replace " + nginx.config(), e);
    }
    try {
      reload();
    } catch (IllegalStateException e) {
      lastError = settings.hostId() + " failed: " + e.getMessage();
      return Optional.of(new Outcome.NotLoaded(e.getMessage()));
    }
    servedText = text;
    return Optional.empty();
  }

  private void reload() {
    nginx.reload();
    lastReload = Instant.now();
    reloads.incrementAndGet();
  }

  /** What {@code nginx -t} says of {@code text}; empty when it accepts it. */
  private Optional<String> test(String text) {
    return nginx.test(candidate(text));
  }

  private Path candidate(String text) {
    Path candidate = nginx.config().resolveSibling("nginx.conf.candidate");
    try {
      Files.writeString(candidate, text);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + candidate, e);
    }
    return candidate;
  }

  /**
   * The snapshot without VM members whose host name does not resolve now: nginx refuses a whole
   * configuration for one such name. They are reported as {@code unresolved}.
   */
  private Snapshot withResolvableMembers(Snapshot snapshot) {
    Set<String> names =
        HostNames.unresolved(
            snapshot.upstreams().stream()
                .filter(u -> u.vm() != null)
                .flatMap(u -> u.vm().members().stream())
                .map(Upstream.VmMember::host)
                .toList(),
            LOOKUP_TIMEOUT);
    Map<String, Map<String, String>> found = new TreeMap<>();
    List<Upstream> upstreams = new ArrayList<>();
    for (Upstream upstream : snapshot.upstreams()) {
      if (upstream.vm() == null) {
        upstreams.add(upstream);
        continue;
      }
      List<Upstream.VmMember> members = new ArrayList<>();
      for (Upstream.VmMember member : upstream.vm().members()) {
        if (!names.contains(member.host())) {
          members.add(member);
        } else {
          found
              .computeIfAbsent(upstream.name(), u -> new TreeMap<>())
              .put(member.host() + ":" + member.port(), "unresolved");
        }
      }
      upstreams.add(
          members.size() == upstream.vm().members().size()
              ? upstream
              : upstream.withVmMembers(members));
    }
    unresolved = found;
    return snapshot.withUpstreams(upstreams);
  }

  /**
   * The files of every certificate a server uses; a server whose certificate is missing, belongs to
   * another tenant or cannot be written is put in {@code refused} with the reason.
   */
  private Map<String, CertificateFiles.TlsFiles> certificates(
      Snapshot snapshot, Map<Ref, String> refused) {
    Map<String, CertificateFiles.TlsFiles> written = new TreeMap<>();
    for (VirtualServer server : snapshot.servers()) {
      if (server.tls() == null) {
        continue;
      }
      String name = server.tls().certificate();
      Optional<ManagedCertificate> certificate =
          snapshot.certificates().stream()
              .filter(c -> c.name().equals(name) && c.tenant().equals(server.tenant()))
              .findFirst();
      if (certificate.isEmpty()) {
        refused.put(
            Ref.server(server.name()),
            "certificate " + name + " does not exist in the tenant " + server.tenant());
        continue;
      }
      try {
        written.computeIfAbsent(name, n -> files.write(certificate.get()));
      } catch (IllegalStateException e) {
        refused.put(Ref.server(server.name()), e.getMessage());
      }
    }
    return written;
  }

  /** What else a server's rendering depends on: its certificate's version and its upstreams. */
  private static String context(Snapshot snapshot, Ref ref) {
    if (ref.kind() != Snapshot.Kind.SERVER) {
      return "";
    }
    VirtualServer server =
        snapshot.servers().stream()
            .filter(s -> s.name().equals(ref.name()))
            .findFirst()
            .orElse(null);
    if (server == null) {
      return "";
    }
    String certificate =
        server.tls() == null
            ? ""
            : snapshot.certificates().stream()
                .filter(c -> c.name().equals(server.tls().certificate()))
                .map(CertificateFiles::version)
                .findFirst()
                .orElse("missing");
    Set<String> upstreams = new TreeSet<>();
    snapshot.upstreams().forEach(u -> upstreams.add(u.name()));
    return certificate
        + server.locations().stream()
            .map(l -> l.upstream() + (upstreams.contains(l.upstream()) ? "+" : "-"))
            .toList();
  }

  private void remember(Snapshot snapshot, Map<Ref, String> refused) {
    rejections.clear();
    List<AgentReport.Rejection> report = new ArrayList<>();
    refused.forEach(
        (ref, reason) -> {
          long revision = snapshot.revisions().getOrDefault(ref, 0L);
          rejections.put(ref, new Known(revision, context(snapshot, ref), reason));
          report.add(
              new AgentReport.Rejection(
                  ref.kind().json(), ref.name(), snapshot.tenantOf(ref), revision, reason));
        });
    rejected = report;
  }

  /** The probes' view, with the members left out because their names do not resolve. */
  private Map<String, Map<String, String>> health() {
    Map<String, Map<String, String>> health = new TreeMap<>();
    probes.health().forEach((upstream, members) -> health.put(upstream, new TreeMap<>(members)));
    unresolved.forEach(
        (upstream, members) ->
            health.computeIfAbsent(upstream, u -> new TreeMap<>()).putAll(members));
    return health;
  }

  private Renderer renderer(boolean lua) {
    return new Renderer(
        new Renderer.HostSettings(
            nginx.prefix(),
            settings.listenAddress(),
            settings.workerProcesses(),
            lua ? settings.luaModules() : null));
  }

  /**
   * Whether this nginx loads the Lua module and takes a balancer written in Lua ({@code nginx -t}
   * of a small configuration); when not, why is kept for the report.
   */
  private boolean luaLoads() {
    if (settings.dynamic().equals("off")) {
      modeProblem = null; // chosen, not a problem
      return false;
    }
    StringBuilder check = new StringBuilder();
    for (Path module : settings.luaModules()) {
      if (!Files.isReadable(module)) {
        modeProblem = "no Lua module at " + module;
        return false;
      }
      check.append("load_module ").append(module.toAbsolutePath()).append(";\n");
    }
    check.append("error_log ").append(nginx.prefix().toAbsolutePath()).append("/logs/error.log;\n");
    check.append("events {}\nhttp {\n  lua_shared_dict platform_check 1m;\n");
    check.append("  upstream check {\n    server 127.0.0.1:9;\n");
    check.append("    balancer_by_lua_block { return }\n  }\n}\n");
    Path candidate = nginx.config().resolveSibling("lua-check.conf");
    try {
      Files.writeString(candidate, check);
      Optional<String> refusal = nginx.test(candidate);
      modeProblem = refusal.map(r -> "nginx does not load the Lua module: " + r).orElse(null);
      return refusal.isEmpty();
    } catch (IOException e) {
      modeProblem = "cannot check the Lua module: " + e.getMessage();
      return false;
    } finally {
      try {
        Files.deleteIfExists(candidate);
      } catch (IOException e) {
        log.debug("{} stays", candidate, e);
      }
    }
  }

  private void prepareFolders() {
    try {
      Path prefix = nginx.prefix();
      Files.createDirectories(prefix.resolve("conf"));
      Files.createDirectories(prefix.resolve("logs"));
      for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
        Files.createDirectories(prefix.resolve("tmp").resolve(temp));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + nginx.prefix(), e);
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
