package io.containercloud.nginxagent.agent;

import io.containercloud.common.crypto.SecretCipher;
import io.containercloud.common.nginx.AgentReport;
import io.containercloud.common.nginx.HostNames;
import io.containercloud.common.nginx.ManagedCertificate;
import io.containercloud.common.nginx.NginxCluster;
import io.containercloud.common.nginx.NginxKeys;
import io.containercloud.common.nginx.Upstream;
import io.containercloud.common.nginx.VirtualServer;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.config.Snapshot.Ref;
import io.containercloud.nginxagent.config.SnapshotReader;
import io.containercloud.nginxagent.health.MemberProbes;
import io.containercloud.nginxagent.isolate.Isolation;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.containercloud.nginxagent.nginx.NginxControl;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.containercloud.nginxagent.render.Renderer;
import io.containercloud.nginxagent.tls.CertificateFiles;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * One nginx host following its cluster in etcd.
 *
 * <p>It reads the whole cluster at one revision, renders it, and when the text differs from what
 * nginx serves it writes a candidate file, runs {@code nginx -t} on it, renames it over {@code
 * conf/nginx.conf} and reloads. A candidate that fails is never used: nginx keeps serving and the
 * failure is reported. It then watches from that revision + 1; any event, a broken or compacted
 * watch, a member's health changing or a minute passing leads to a fresh snapshot, at most one
 * reload per interval, the last state always applied. The file in place is always a configuration
 * that passed {@code nginx -t}, so nginx can be (re)started from it while etcd is away.
 */
public final class Agent {

  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final Duration RESYNC = Duration.ofMinutes(1);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  /**
   * An object nginx refused at {@code revision}, with what it was rendered with ({@code context}: a
   * server's certificate and upstreams), and why.
   */
  private record Known(long revision, String context, String reason) {}

  private final NginxAgentProperties settings;
  private final Client etcd;
  private final JsonMapper json;
  private final NginxControl nginx;
  private final SnapshotReader reader;
  private final Renderer renderer;
  private final MemberProbes probes;
  private final CertificateFiles files;
  private final Map<Ref, Known> rejections = new HashMap<>();
  private Instant lastRecheck = Instant.EPOCH;
  private volatile List<AgentReport.Rejection> rejected = List.of();
  private volatile Map<String, Map<String, String>> unresolved = Map.of();
  private final Semaphore wake = new Semaphore(0);
  private final ScheduledExecutorService probing = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean running;
  private volatile boolean dirty = true;
  private volatile boolean watchBroken = true;
  private Thread thread;
  private final List<Watch.Watcher> watchers = new ArrayList<>();

  // what nginx serves
  private String servedText;
  private long appliedRevision;
  private Instant appliedAt;
  private String lastError;
  private List<String> warnings = List.of();
  private Instant lastReload = Instant.EPOCH;
  private Instant lastSnapshot = Instant.EPOCH;
  private long leaseId;
  private String nginxVersion;
  private final java.util.concurrent.atomic.AtomicLong reloads =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param certificates opens the sealed keys of managed certificates; null when this host serves
   *     no TLS (servers with TLS are then left out and reported)
   */
  public Agent(
      NginxAgentProperties settings,
      Client etcd,
      JsonMapper json,
      Validator validator,
      SecretCipher certificates) {
    this(
        settings,
        etcd,
        json,
        validator,
        certificates,
        new NginxProcess(settings.nginxBinary(), settings.prefix()));
  }

  /** An agent configuring {@code nginx}, which need not be a real one (benchmarks fan out). */
  public Agent(
      NginxAgentProperties settings,
      Client etcd,
      JsonMapper json,
      Validator validator,
      SecretCipher certificates,
      NginxControl nginx) {
    this.settings = settings;
    this.etcd = etcd;
    this.json = json;
    this.nginx = nginx;
    this.reader = new SnapshotReader(etcd.getKVClient(), json, validator, settings.cluster());
    this.renderer =
        new Renderer(
            new Renderer.HostSettings(
                nginx.prefix(), settings.listenAddress(), settings.workerProcesses()));
    this.probes = new MemberProbes(this::changed);
    this.files = new CertificateFiles(settings.certDir(), settings.cluster(), certificates);
  }

  public synchronized void start() {
    prepareFolders();
    nginxVersion = nginx.version();
    servedText = read(nginx.config()).orElse(null);
    if (servedText != null) {
      try {
        nginx.ensureRunning(); // the last good configuration, whether etcd answers or not
      } catch (IllegalStateException e) {
        lastError = e.getMessage();
      }
    }
    running = true;
    probing.scheduleWithFixedDelay(probes::probeDue, 200, 200, TimeUnit.MILLISECONDS);
    thread = new Thread(this::loop, "nginx-agent-" + settings.hostId());
    thread.setDaemon(true);
    thread.start();
  }

  public synchronized void stop() {
    running = false;
    wake.release();
    probing.shutdownNow();
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeWatchers();
    if (leaseId != 0) {
      try {
        etcd.getLeaseClient().revoke(leaseId).get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("report lease not revoked; it expires on its own", e);
      }
    }
    if (settings.stopNginxOnExit()) {
      nginx.stop();
    }
  }

  /** The revision nginx serves; 0 before the first apply. */
  public long appliedRevision() {
    return appliedRevision;
  }

  /** How many times this agent reloaded nginx. */
  public long reloads() {
    return reloads.get();
  }

  private void changed() {
    dirty = true;
    wake.release();
  }

  private void loop() {
    Duration reportEvery = settings.reportTtl().dividedBy(3);
    while (running) {
      try {
        if (Duration.between(lastSnapshot, Instant.now()).compareTo(RESYNC) > 0) {
          dirty = true;
        }
        if (dirty) {
          coalesce();
          dirty = false;
          lastSnapshot = Instant.now();
          Snapshot snapshot = reader.read();
          if (watchBroken) {
            watch(snapshot.revision() + 1);
          }
          apply(snapshot);
        }
        report();
        wake.tryAcquire(reportEvery.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // etcd away or nginx failing: keep serving what runs, try again shortly
        dirty = true;
        log.debug("agent round failed; retrying", e);
        sleep(RETRY);
      }
    }
  }

  /** At most one reload per interval: a burst ends in one snapshot of its last state. */
  private void coalesce() throws InterruptedException {
    Duration since = Duration.between(lastReload, Instant.now());
    Duration wait = settings.reloadInterval().minus(since);
    if (!wait.isNegative() && !wait.isZero()) {
      Thread.sleep(wait.toMillis());
    }
  }

  private void apply(Snapshot read) {
    boolean tengine =
        read.cluster() != null && read.cluster().flavour() == NginxCluster.Flavour.TENGINE;
    Snapshot snapshot = withResolvableMembers(read);
    probes.follow(tengine ? List.of() : snapshot.upstreams());
    Map<Ref, String> refused = new TreeMap<>();
    Map<String, CertificateFiles.TlsFiles> certificates = certificates(snapshot, refused);
    Map<String, Set<String>> down = probes.down();
    boolean recheck = Duration.between(lastRecheck, Instant.now()).compareTo(RESYNC) > 0;
    if (recheck) {
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
    Renderer.Rendered rendered = renderer.render(snapshot.keeping(objects), down, certificates);
    if (!rendered.text().equals(servedText)) {
      Optional<String> refusal = test(rendered.text());
      if (refusal.isPresent()) {
        Isolation.Outcome outcome =
            Isolation.isolate(
                objects,
                kept -> test(renderer.render(snapshot.keeping(kept), down, certificates).text()));
        if (outcome instanceof Isolation.Outcome.Isolated isolated) {
          refused.putAll(isolated.culprits());
          rendered = renderer.render(snapshot.keeping(isolated.kept()), down, certificates);
        } else {
          lastError =
              settings.hostId()
                  + " failed: nginx -t refused revision "
                  + snapshot.revision()
                  + ": "
                  + refusal.get();
          log.warn(lastError);
          return; // nginx keeps serving the previous configuration
        }
      }
      if (!rendered.text().equals(servedText)) {
        if (!install(rendered.text())) {
          return;
        }
        log.info("applied revision {} ({} objects left out)", snapshot.revision(), refused.size());
      }
    }
    remember(snapshot, refused);
    appliedRevision = snapshot.revision();
    appliedAt = Instant.now();
    lastError = null;
    List<String> notes = new ArrayList<>(rendered.warnings());
    refused.forEach((ref, reason) -> notes.add(ref + " left out: " + reason));
    warnings = notes;
    files.removeAllBut(certificates.values());
  }

  /** Writes {@code text} as the configuration in use and reloads; false when nginx failed. */
  private boolean install(String text) {
    Path candidate = candidate(text);
    Optional<String> refusal = nginx.test(candidate);
    if (refusal.isPresent()) {
      lastError = settings.hostId() + " failed: nginx -t refused the candidate: " + refusal.get();
      return false;
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
      nginx.reload();
    } catch (IllegalStateException e) {
      lastError = settings.hostId() + " failed: " + e.getMessage();
      dirty = true; // try again after the interval
      return false;
    }
    servedText = text;
    lastReload = Instant.now();
    reloads.incrementAndGet();
    return true;
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

  private void watch(long fromRevision) {
    closeWatchers();
    Watch.Listener listener =
        Watch.listener(
            response -> changed(),
            error -> {
              watchBroken = true;
              changed();
            });
    Watch watch = etcd.getWatchClient();
    watchers.add(
        watch.watch(
            bytes(NginxKeys.cluster(settings.cluster()) + "/"),
            WatchOption.builder().isPrefix(true).withRevision(fromRevision).build(),
            listener));
    watchers.add(
        watch.watch(
            bytes(NginxKeys.cluster(settings.cluster())),
            WatchOption.builder().withRevision(fromRevision).build(),
            listener));
    watchBroken = false;
  }

  private void closeWatchers() {
    watchers.forEach(Watch.Watcher::close);
    watchers.clear();
  }

  /** The report under a lease: gone a TTL after the agent is. */
  private void report() throws Exception {
    if (leaseId != 0) {
      try {
        etcd.getLeaseClient().keepAliveOnce(leaseId).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        leaseId = 0; // expired while etcd was away: a new one below
      }
    }
    if (leaseId == 0) {
      leaseId =
          etcd.getLeaseClient()
              .grant(settings.reportTtl().toSeconds())
              .get(5, TimeUnit.SECONDS)
              .getID();
    }
    AgentReport report =
        new AgentReport(
            settings.hostId(),
            appliedRevision,
            appliedAt,
            lastReload.equals(Instant.EPOCH) ? null : lastReload,
            nginxVersion,
            lastError,
            warnings,
            health(),
            rejected);
    etcd.getKVClient()
        .put(
            bytes(NginxKeys.agents(settings.cluster()) + settings.hostId()),
            ByteSequence.from(json.writeValueAsBytes(report)),
            PutOption.builder().withLeaseId(leaseId).build())
        .get(5, TimeUnit.SECONDS);
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

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
