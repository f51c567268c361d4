package io.containercloud.nginxagent.agent;

import io.containercloud.common.crypto.SecretCipher;
import io.containercloud.common.loop.WakeableLoop;
import io.containercloud.nginxagent.apply.Applier;
import io.containercloud.nginxagent.config.SnapshotReader;
import io.containercloud.nginxagent.follow.Follower;
import io.containercloud.nginxagent.health.MemberProbes;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.containercloud.nginxagent.nginx.NginxControl;
import io.containercloud.nginxagent.nginx.NginxProcess;
import io.containercloud.nginxagent.report.Reporter;
import io.containercloud.nginxagent.tls.CertificateFiles;
import io.etcd.jetcd.Client;
import jakarta.validation.Validator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * One nginx host following its cluster in etcd: the {@link Follower} says when a fresh snapshot is
 * due and makes it, the {@link Applier} makes nginx serve it, the {@link Reporter} keeps the
 * outcome in etcd under a lease. One loop runs them in turn: at once when something changed, else
 * every third of the report's TTL to renew it; at most one reload per {@code reload-interval}, and
 * the last state of a burst is always applied. With nginx's Lua balancer, what needs no reload
 * (members, weights, backups, group switches, health) is pushed at once, and a restarted nginx gets
 * everything pushed again.
 *
 * <p>A failed turn (etcd away, nginx failing) is retried after a capped, jittered exponential
 * backoff that a success resets ({@link WakeableLoop}: a fleet that lost etcd together does not
 * come back in step), logged at WARN at most once a minute, and reads everything afresh.
 */
public final class Agent {

  private static final Duration RETRY_FIRST = Duration.ofMillis(250);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);
  private static final Duration PROBE_EVERY = Duration.ofMillis(200);

  private final NginxAgentProperties settings;
  private final NginxControl nginx;
  private final WakeableLoop loop;
  private final Follower follower;
  private final MemberProbes probes;
  private final Applier applier;
  private final Reporter reporter;
  private final ScheduledExecutorService probing = Executors.newSingleThreadScheduledExecutor();
  private Instant lastRead = Instant.EPOCH; // the loop's

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
    this.nginx = nginx;
    this.loop =
        new WakeableLoop(
            "nginx-agent-" + settings.hostId(),
            this::turn,
            settings.reportTtl().dividedBy(3),
            RETRY_FIRST,
            RETRY_MAX);
    this.follower =
        new Follower(
            etcd.getWatchClient(),
            new SnapshotReader(etcd.getKVClient(), json, validator, settings.cluster()),
            loop::wake);
    this.probes = new MemberProbes(this::healthChanged);
    this.applier =
        new Applier(
            settings,
            nginx,
            probes,
            new CertificateFiles(settings.certDir(), settings.cluster(), certificates),
            json);
    this.reporter = new Reporter(etcd, json, settings.cluster(), settings.reportTtl());
  }

  public synchronized void start() {
    applier.start();
    probing.scheduleWithFixedDelay(
        probes::probeDue, PROBE_EVERY.toMillis(), PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    loop.start();
  }

  public synchronized void stop() {
    loop.stop(Duration.ofSeconds(10));
    probing.shutdownNow();
    probes.close();
    follower.close();
    reporter.revoke();
    if (settings.stopNginxOnExit()) {
      nginx.stop();
    }
  }

  /** How many times this agent reloaded nginx. */
  public long reloads() {
    return applier.reloads();
  }

  /** A fresh snapshot applied when one is due (paced to the reload interval), then the report. */
  private boolean turn() {
    try {
      if (follower.stale()) {
        // a burst is one reload, or one push per push-interval
        Thread.sleep(
            (applier.dynamic() ? untilReadAllowed() : applier.untilReloadAllowed()).toMillis());
        lastRead = Instant.now();
        Applier.Outcome outcome = applier.apply(follower.snapshot());
        while (outcome instanceof Applier.Outcome.Deferred deferred) {
          Thread.sleep(deferred.delay().toMillis()); // its dynamic part is pushed already
          outcome = applier.apply(follower.snapshot());
        }
        if (outcome instanceof Applier.Outcome.NotLoaded) {
          follower.invalidate(); // the same again once the interval has passed
        }
      } else {
        applier.repushIfRestarted();
      }
      reporter.publish(applier.report());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopping
    } catch (RuntimeException e) {
      follower.invalidate(); // start again from a fresh snapshot
      throw e;
    }
    return false;
  }

  private Duration untilReadAllowed() {
    Duration wait = settings.pushInterval().minus(Duration.between(lastRead, Instant.now()));
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  /** A member went down or came back: render again without it, or with it. */
  private void healthChanged() {
    follower.invalidate();
    loop.wake();
  }
}
