package io.containercloud.dns.sync;

import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.outbox.Outbox;
import io.containercloud.dns.bind.BindClient;
import io.containercloud.dns.bind.ObservedRRset;
import io.containercloud.dns.bind.TransferOutcome;
import io.containercloud.dns.event.DnsEventType;
import io.containercloud.dns.record.RecordRepository;
import io.containercloud.dns.record.RecordSet;
import io.containercloud.dns.zone.Zone;
import io.containercloud.dns.zone.ZoneRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares each zone in BIND (AXFR over TSIG) with the desired state and sets right what the
 * platform owns.
 *
 * <p>It does not write to BIND itself: for a set that differs it records what BIND really holds as
 * the set's baseline and marks it pending, and the {@link SyncReconciler} pushes it, guarded by
 * that baseline. A set BIND holds that the platform never applied (someone else's) is reported and
 * left alone, and so is anything in BIND the platform does not know. Deletes therefore work without
 * ownership records in BIND: ownership lives in MySQL.
 */
@Component
public class DriftReconciler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DriftReconciler.class);

  private final ZoneRepository zones;
  private final RecordRepository records;
  private final BindClient bind;
  private final SyncReconciler sync;
  private final TransactionTemplate tx;
  private final Outbox outbox;
  private final JsonMapper json;
  private final DnsSyncProperties properties;
  private final MeterRegistry meters;
  private ScheduledExecutorService timer;

  DriftReconciler(
      ZoneRepository zones,
      RecordRepository records,
      BindClient bind,
      SyncReconciler sync,
      TransactionTemplate tx,
      Outbox outbox,
      JsonMapper json,
      DnsSyncProperties properties,
      MeterRegistry meters) {
    this.zones = zones;
    this.records = records;
    this.bind = bind;
    this.sync = sync;
    this.tx = tx;
    this.outbox = outbox;
    this.json = json;
    this.properties = properties;
    this.meters = meters;
  }

  /**
   * Compares one zone now; queues repairs and returns what it found. A zone BIND will not transfer
   * (or a BIND that does not answer) is an outcome, not an error: the caller says what BIND
   * answered, and the next run tries again.
   */
  public DriftOutcome repair(Zone zone) {
    TransferOutcome transfer = bind.transfer(zone.target());
    if (transfer instanceof TransferOutcome.Refused refused) {
      return new DriftOutcome.TransferRefused(refused.rcode(), refused.reason());
    } else if (transfer instanceof TransferOutcome.Unreachable unreachable) {
      return new DriftOutcome.BindUnreachable(unreachable.reason());
    }
    List<ObservedRRset> observed = ((TransferOutcome.Transferred) transfer).sets();
    DriftReport report = tx.execute(status -> compare(zone, observed));
    if (!report.repaired().isEmpty()) {
      meters.counter("dns.drift.repaired", "zone", zone.name()).increment(report.repaired().size());
      log.info(
          "zone {}: repairing {} set(s) changed outside the platform: {}",
          zone.name(),
          report.repaired().size(),
          report.repaired());
      sync.wake();
    }
    return new DriftOutcome.Compared(report);
  }

  private DriftReport compare(Zone zone, List<ObservedRRset> observed) {
    Map<String, ObservedRRset> inBind = new HashMap<>();
    observed.forEach(o -> inBind.put(o.name() + " " + o.type(), o));
    List<String> repaired = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    List<RecordSet> desired = records.inZone(zone.name());
    for (RecordSet set : desired) {
      String key = set.name() + " " + set.type();
      ObservedRRset actual = inBind.remove(key);
      List<String> actualValues = actual == null ? null : actual.values();
      Integer actualTtl = actual == null ? null : actual.ttl();
      if (Objects.equals(actualValues, set.appliedValues())
          && Objects.equals(actualTtl, set.appliedTtl())) {
        continue; // BIND holds what the platform last applied: nothing changed behind its back
      }
      if (set.appliedVersion() == 0 && actual != null) {
        conflicts.add(key);
        continue;
      }
      records.markObserved(set.id(), actualValues, actualTtl);
      repaired.add(key);
    }
    DriftReport report =
        new DriftReport(zone.name(), desired.size(), repaired, conflicts, inBind.size());
    if (!repaired.isEmpty()) {
      outbox.append(
          Topic.DNS_EVENTS,
          CloudEvent.of(
              "/dns-service",
              DnsEventType.DRIFT_REPAIRED,
              zone.name(),
              "platform",
              json.valueToTree(report)));
    }
    return report;
  }

  @Override
  public void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "dns-drift"));
    long period = properties.driftInterval().toMillis();
    timer.scheduleWithFixedDelay(this::repairAll, period, period, TimeUnit.MILLISECONDS);
  }

  private void repairAll() {
    for (Zone zone : zones.findAll()) {
      try {
        DriftOutcome outcome = repair(zone);
        if (outcome instanceof DriftOutcome.TransferRefused refused) {
          log.warn("drift check of zone {} failed: {}", zone.name(), refused.reason());
        } else if (outcome instanceof DriftOutcome.BindUnreachable unreachable) {
          log.warn("drift check of zone {} failed: {}", zone.name(), unreachable.reason());
        }
      } catch (RuntimeException e) {
        log.warn("drift check of zone {} failed: {}", zone.name(), e.getMessage());
      }
    }
  }

  @Override
  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return timer != null && !timer.isShutdown();
  }
}
