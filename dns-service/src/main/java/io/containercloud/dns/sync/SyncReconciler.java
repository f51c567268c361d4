package io.containercloud.dns.sync;

import io.containercloud.common.loop.BackgroundLoop;
import io.containercloud.dns.bind.BindClient;
import io.containercloud.dns.bind.RRsetChange;
import io.containercloud.dns.bind.UpdateOutcome;
import io.containercloud.dns.record.RecordRepository;
import io.containercloud.dns.record.RecordService;
import io.containercloud.dns.record.RecordSet;
import io.containercloud.dns.zone.Zone;
import io.containercloud.dns.zone.ZoneRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pushes pending record sets to BIND.
 *
 * <p>Safe with several instances: each round claims its sets with {@code SKIP LOCKED}.
 *
 * <p>Each round takes the due sets (oldest first), groups them by zone and sends each group as one
 * dynamic update, so a burst of changes costs one message per zone. Every set in the message is
 * guarded by what the platform last applied (RFC 2136 prerequisites): a set someone changed in BIND
 * meanwhile makes BIND refuse the message, and the group is then retried set by set so that only
 * the changed set fails. A set failing for any reason keeps its reason in the API and is retried
 * with capped exponential backoff; nothing is dropped while BIND is away.
 */
@Component
public class SyncReconciler extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(SyncReconciler.class);

  private final RecordRepository records;
  private final ZoneRepository zones;
  private final BindClient bind;
  private final DnsSyncProperties properties;
  private final TransactionTemplate tx;

  SyncReconciler(
      RecordRepository records,
      ZoneRepository zones,
      BindClient bind,
      DnsSyncProperties properties,
      TransactionTemplate tx) {
    super(
        "dns-sync",
        properties.pollInterval(),
        properties.initialBackoff(),
        properties.maxBackoff());
    this.records = records;
    this.zones = zones;
    this.bind = bind;
    this.properties = properties;
    this.tx = tx;
  }

  /** A round that throws failed on the database itself; BIND failures are recorded per set. */
  @Override
  protected boolean round() {
    return pushDue() == properties.batchSize();
  }

  /** Called after a commit that changed desired state. */
  @TransactionalEventListener
  void onChange(RecordService.RecordSetsChanged change) {
    wake();
  }

  /** One round: pushes every due set; returns how many it tried. */
  public int pushDue() {
    Integer pushed = tx.execute(status -> pushClaimed());
    return pushed == null ? 0 : pushed;
  }

  // The claim's row locks last for the round (a few milliseconds per message): an API change to
  // a set being pushed waits for it, then finds the set applied and queues the new version.
  private int pushClaimed() {
    List<RecordSet> due = records.claimDue(properties.batchSize());
    Map<String, List<RecordSet>> byZone = new LinkedHashMap<>();
    due.forEach(
        set -> byZone.computeIfAbsent(set.zone(), z -> new java.util.ArrayList<>()).add(set));
    byZone.forEach(this::pushZone);
    return due.size();
  }

  private void pushZone(String zoneName, List<RecordSet> sets) {
    Zone zone = zones.find(zoneName).orElse(null);
    if (zone == null) {
      sets.forEach(s -> fail(s, "zone " + zoneName + " is no longer managed"));
      return;
    }
    UpdateOutcome outcome =
        bind.apply(zone.target(), sets.stream().map(SyncReconciler::change).toList());
    if (outcome instanceof UpdateOutcome.Applied) {
      tx.executeWithoutResult(
          status -> sets.forEach(records::markApplied)); // one commit per message
    } else if (outcome instanceof UpdateOutcome.PrerequisiteFailed && sets.size() > 1) {
      sets.forEach(set -> pushZone(zoneName, List.of(set)));
    } else {
      String reason = reason(outcome);
      sets.forEach(set -> fail(set, reason));
    }
  }

  private void fail(RecordSet set, String reason) {
    Duration backoff = backoff(set.attempts());
    records.markFailed(set, reason, Instant.now().plus(backoff));
    if (set.attempts() == 0) {
      log.warn(
          "{} {} not applied, retrying in {} ms: {}",
          set.type(),
          set.name(),
          backoff.toMillis(),
          reason);
    }
  }

  private Duration backoff(int attempts) {
    Duration next = properties.initialBackoff().multipliedBy(1L << Math.min(attempts, 16));
    return next.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : next;
  }

  private static RRsetChange change(RecordSet set) {
    return new RRsetChange(set.name(), set.type(), set.ttl(), set.values(), set.appliedValues());
  }

  private static String reason(UpdateOutcome outcome) {
    if (outcome instanceof UpdateOutcome.PrerequisiteFailed failed) {
      return "BIND holds something else for this name and type than the platform applied ("
          + failed.rcode()
          + "): it was changed outside the platform; drift repair takes it back if the platform owns it";
    } else if (outcome instanceof UpdateOutcome.Rejected rejected) {
      return rejected.reason();
    } else if (outcome instanceof UpdateOutcome.Unreachable unreachable) {
      return unreachable.reason();
    }
    throw new IllegalArgumentException(outcome.toString());
  }
}
