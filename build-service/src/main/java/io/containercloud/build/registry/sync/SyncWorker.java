package io.containercloud.build.registry.sync;

import io.containercloud.build.executor.BuildProperties;
import io.containercloud.build.registry.oci.ImageCopy;
import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.build.registry.oci.OciException;
import io.containercloud.build.registry.rooms.ImageRegistry;
import io.containercloud.build.registry.rooms.RegistryClients;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImageSyncFailed;
import io.containercloud.common.event.contract.ImageSynced;
import io.containercloud.common.loop.BackgroundLoop;
import io.containercloud.common.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs sync executions: starts scheduled ones when their time comes, plans full syncs, and copies
 * due items side by side (at most {@code parallel-images} on this instance). Each item ends copied
 * or skipped (with {@code image.synced} in the same transaction), deleted, or failed with its
 * reason and a next try after a capped backoff: a destination that is down delays its own items
 * only, and catches up when it returns. Items this instance ran when it stopped go back to the
 * queue when it starts again.
 */
@Component
class SyncWorker extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(SyncWorker.class);
  private static final String SOURCE = "/build-service";
  // how long a claimed item stays this instance's unrenewed; renewed every quarter of it
  private static final Duration LEASE = Duration.ofMinutes(2);
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private final SyncExecutions executions;
  private final SyncPolicyRepository policies;
  private final SyncPlanner planner;
  private final RegistryClients clients;
  private final Outbox outbox;
  private final JsonMapper json;
  private final TransactionTemplate tx;
  private final SyncProperties properties;
  private final String runner;
  private final AtomicInteger running = new AtomicInteger();
  private Instant renewed = Instant.EPOCH;
  private Instant pruned = Instant.EPOCH;
  private ExecutorService images;
  private ExecutorService blobs;
  private ImageCopy copy;

  SyncWorker(
      SyncExecutions executions,
      SyncPolicyRepository policies,
      SyncPlanner planner,
      RegistryClients clients,
      Outbox outbox,
      JsonMapper json,
      TransactionTemplate tx,
      SyncProperties properties,
      BuildProperties build) {
    super(
        "registry-sync", properties.pollInterval(), Duration.ofSeconds(1), Duration.ofSeconds(30));
    this.executions = executions;
    this.policies = policies;
    this.planner = planner;
    this.clients = clients;
    this.outbox = outbox;
    this.json = json;
    this.tx = tx;
    this.properties = properties;
    // one claim token per process: items a stopped process held are taken again when its lease
    // ends, whatever the next process is called
    this.runner = build.runner() + "/" + UUID.randomUUID();
  }

  @Override
  public void start() {
    images = Executors.newFixedThreadPool(properties.parallelImages(), daemon("registry-sync"));
    blobs = Executors.newFixedThreadPool(properties.parallelBlobs(), daemon("registry-blob"));
    copy = new ImageCopy(blobs, properties.chunkSize().toBytes(), json);
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    images.shutdownNow(); // copies are interrupted (the item goes back to the queue)...
    try {
      images.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    blobs.shutdownNow(); // ...then their transfers
    try {
      executions.release(runner);
    } catch (RuntimeException e) {
      log.warn(
          "could not queue this instance's sync items again (their leases will): {}",
          e.getMessage());
    }
  }

  @Override
  protected boolean round() {
    Instant now = Instant.now();
    if (now.isAfter(renewed.plus(LEASE.dividedBy(4)))) {
      executions.renew(runner, LEASE);
      renewed = now;
    }
    startScheduled();
    if (now.isAfter(pruned.plus(PRUNE_EVERY))) {
      int gone = executions.prune(properties.retention());
      if (gone > 0) {
        log.info("{} sync executions older than {} removed", gone, properties.retention());
      }
      pruned = now;
    }
    for (long execution : executions.unplanned(10)) {
      planner.plan(execution);
    }
    int room = properties.parallelImages() - running.get();
    if (room <= 0) {
      return false;
    }
    List<SyncItem> claimed = executions.claim(runner, room, LEASE);
    for (SyncItem item : claimed) {
      running.incrementAndGet();
      images.execute(() -> runAndTakeNext(item));
    }
    return claimed.size() == room;
  }

  /**
   * Runs the item, then the next due one while there is one: a set of small copies (a resync that
   * finds everything there) goes at the speed of the copies, not of the loop's rounds.
   */
  private void runAndTakeNext(SyncItem first) {
    try {
      SyncItem item = first;
      while (item != null && !Thread.currentThread().isInterrupted()) {
        run(item);
        List<SyncItem> next = executions.claim(runner, 1, LEASE);
        item = next.isEmpty() ? null : next.get(0);
      }
    } catch (RuntimeException e) {
      log.warn("could not take the next sync item: {}", e.getMessage());
    } finally {
      running.decrementAndGet();
      wake();
    }
  }

  @TransactionalEventListener(fallbackExecution = true)
  void queued(SyncQueued queued) {
    wake();
  }

  /**
   * An execution for each enabled scheduled policy whose time has come and whose last run is over,
   * by one instance only (the run is claimed on the policy's row, with the execution).
   */
  private void startScheduled() {
    Instant now = Instant.now();
    for (SyncPolicy policy : policies.list(null)) {
      SyncPolicySpec spec = policy.spec();
      if (!spec.enabled() || spec.trigger() != SyncPolicySpec.Trigger.SCHEDULED) {
        continue;
      }
      try {
        Instant since = policy.lastRunAt() != null ? policy.lastRunAt() : policy.createdAt();
        var next = CronExpression.parse(spec.schedule()).next(since.atZone(ZoneOffset.UTC));
        if (next == null || next.toInstant().isAfter(now) || executions.unfinished(policy.id())) {
          continue;
        }
        tx.executeWithoutResult(
            status -> {
              if (policies.claimRun(policy.id(), policy.lastRunAt(), now)) {
                executions.create(policy, SyncPolicySpec.Trigger.SCHEDULED, null);
              }
            });
      } catch (RuntimeException e) {
        // one policy's trouble (a schedule this version cannot read) holds up no other
        log.warn(
            "scheduled sync policy {}/{} not started: {}",
            policy.tenant(),
            policy.name(),
            e.toString());
      }
    }
  }

  private void run(SyncItem item) {
    Instant started = Instant.now();
    try {
      OciClient source = clients.client(item.source());
      ImageRegistry destination = clients.registered(item.destination());
      OciClient target = clients.client(destination);
      if (item.action() == SyncItem.Action.DELETE) {
        boolean there =
            target
                .manifestDigest(item.repository(), item.tag())
                .filter(item.digest()::equals)
                .isPresent();
        boolean deleted = there && target.deleteManifest(item.repository(), item.digest());
        executions.done(
            item,
            runner,
            deleted ? SyncItem.Status.DELETED : SyncItem.Status.SKIPPED,
            item.digest(),
            deleted ? null : "the tag no longer points at that digest",
            0,
            Duration.between(started, Instant.now()));
        return;
      }
      ImageCopy.Result result =
          copy.copy(
              source, item.repository(), item.tag(), item.digest(), target, item.repository());
      if (result.outcome() == ImageCopy.Outcome.SUPERSEDED) {
        executions.done(
            item,
            runner,
            SyncItem.Status.SKIPPED,
            result.digest(),
            "superseded: the tag points at a newer push now",
            result.bytes(),
            Duration.between(started, Instant.now()));
        return;
      }
      ImageSynced synced =
          new ImageSynced(
              source.authority(),
              destination.authority(),
              destination.room(),
              item.repository(),
              item.tag(),
              result.digest());
      tx.executeWithoutResult(
          status -> {
            if (!executions.done(
                item,
                runner,
                result.outcome() == ImageCopy.Outcome.COPIED
                    ? SyncItem.Status.COPIED
                    : SyncItem.Status.SKIPPED,
                result.digest(),
                null,
                result.bytes(),
                Duration.between(started, Instant.now()))) {
              return; // no longer ours (our lease ended): its new runner announces it
            }
            outbox.append(
                Topic.IMAGE_EVENTS,
                synced.key(),
                CloudEvent.of(
                    SOURCE,
                    ImageSynced.TYPE,
                    synced.key(),
                    item.tenant(),
                    json.valueToTree(synced)));
          });
    } catch (OciException | RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        return; // stopping: the item goes back to the queue as it was (stop releases it)
      }
      Duration wait = backoff(item.attempts());
      log.warn(
          "sync of {}:{} to {} failed (try {}), next in {}: {}",
          item.repository(),
          item.tag(),
          item.destination(),
          item.attempts() + 1,
          wait,
          e.getMessage());
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      try {
        tx.executeWithoutResult(
            status -> {
              if (executions.failed(
                      item, runner, reason, Duration.between(started, Instant.now()), wait)
                  && item.action() == SyncItem.Action.COPY) {
                announceFailure(item, reason);
              }
            });
      } catch (RuntimeException unrecorded) {
        // the database is away: the item stays running here, queued again at the next start
        log.error("could not record the failure of sync item {}", item.id(), unrecorded);
      }
    }
  }

  /** Tells the rooms' workloads waiting for this image why it is not there yet. */
  private void announceFailure(SyncItem item, String reason) {
    ImageRegistry source;
    ImageRegistry destination;
    try {
      source = clients.registered(item.source());
      destination = clients.registered(item.destination());
    } catch (OciException gone) {
      return; // a registry removed meanwhile: no room waits for it any more
    }
    ImageSyncFailed failed =
        new ImageSyncFailed(
            source.authority(),
            destination.authority(),
            destination.room(),
            item.repository(),
            item.tag(),
            item.digest(),
            reason,
            item.attempts() + 1);
    outbox.append(
        Topic.IMAGE_EVENTS,
        failed.key(),
        CloudEvent.of(
            SOURCE, ImageSyncFailed.TYPE, failed.key(), item.tenant(), json.valueToTree(failed)));
  }

  private Duration backoff(int attempts) {
    Duration wait = properties.retryInitial().multipliedBy(1L << Math.min(attempts, 20));
    return wait.compareTo(properties.retryMax()) > 0 ? properties.retryMax() : wait;
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
