package io.containercloud.nginxagent.agent;

import io.containercloud.common.nginx.AgentReport;
import io.containercloud.common.nginx.NginxCluster;
import io.containercloud.common.nginx.NginxKeys;
import io.containercloud.nginxagent.config.Snapshot;
import io.containercloud.nginxagent.config.SnapshotReader;
import io.containercloud.nginxagent.health.MemberProbes;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.containercloud.nginxagent.nginx.NginxControl;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.containercloud.nginxagent.render.Renderer;
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
import java.util.List;
import java.util.Optional;
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

  private final NginxAgentProperties settings;
  private final Client etcd;
  private final JsonMapper json;
  private final NginxControl nginx;
  private final SnapshotReader reader;
  private final Renderer renderer;
  private final MemberProbes probes;
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

  public Agent(NginxAgentProperties settings, Client etcd, JsonMapper json, Validator validator) {
    this(
        settings,
        etcd,
        json,
        validator,
        new NginxProcess(settings.nginxBinary(), settings.prefix()));
  }

  /** An agent configuring {@code nginx}, which need not be a real one (benchmarks fan out). */
  public Agent(
      NginxAgentProperties settings,
      Client etcd,
      JsonMapper json,
      Validator validator,
      NginxControl nginx) {
    this.settings = settings;
    this.etcd = etcd;
    this.json = json;
    this.nginx = nginx;
    this.reader = new SnapshotReader(etcd.getKVClient(), json, validator, settings.cluster());
    this.renderer =
        new Renderer(
            new Renderer.HostSettings(
                nginx.prefix(),
                settings.listenAddress(),
                settings.certDir(),
                settings.workerProcesses()));
    this.probes = new MemberProbes(this::changed);
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

  private void apply(Snapshot snapshot) {
    boolean tengine =
        snapshot.cluster() != null && snapshot.cluster().flavour() == NginxCluster.Flavour.TENGINE;
    probes.follow(tengine ? List.of() : snapshot.upstreams());
    Renderer.Rendered rendered = renderer.render(snapshot, probes.down());
    if (!rendered.text().equals(servedText)) {
      Path candidate = nginx.config().resolveSibling("nginx.conf.candidate");
      try {
        Files.writeString(candidate, rendered.text());
      } catch (IOException e) {
        throw new IllegalStateException("cannot write " + candidate, e);
      }
      Optional<String> refused = nginx.test(candidate);
      if (refused.isPresent()) {
        lastError =
            settings.hostId()
                + " failed: nginx -t refused revision "
                + snapshot.revision()
                + ": "
                + refused.get();
        log.warn(lastError);
        return; // nginx keeps serving the previous configuration
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
        return;
      }
      servedText = rendered.text();
      lastReload = Instant.now();
      reloads.incrementAndGet();
      log.info("applied revision {}", snapshot.revision());
    }
    appliedRevision = snapshot.revision();
    appliedAt = Instant.now();
    lastError = null;
    warnings = rendered.warnings();
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
            probes.health());
    etcd.getKVClient()
        .put(
            bytes(NginxKeys.agents(settings.cluster()) + settings.hostId()),
            ByteSequence.from(json.writeValueAsBytes(report)),
            PutOption.builder().withLeaseId(leaseId).build())
        .get(5, TimeUnit.SECONDS);
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
