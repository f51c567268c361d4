package io.containercloud.dns.record;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.outbox.Outbox;
import io.containercloud.dns.event.DnsEventType;
import io.containercloud.dns.model.DnsName;
import io.containercloud.dns.model.RecordSetSpec;
import io.containercloud.dns.model.RecordType;
import io.containercloud.dns.zone.Zone;
import io.containercloud.dns.zone.ZoneRecordSets;
import io.containercloud.dns.zone.ZoneRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Changes desired record sets: validates them against their zone and the sets already there, stores
 * them, and announces each change through the outbox, all in one transaction. BIND is updated
 * afterwards by the sync reconciler, which {@link RecordSetsChanged} wakes on commit.
 */
@Service
public class RecordService implements ZoneRecordSets {

  private final RecordRepository records;
  private final ZoneRepository zones;
  private final Outbox outbox;
  private final JsonMapper json;
  private final ApplicationEventPublisher events;

  RecordService(
      RecordRepository records,
      ZoneRepository zones,
      Outbox outbox,
      JsonMapper json,
      ApplicationEventPublisher events) {
    this.records = records;
    this.zones = zones;
    this.outbox = outbox;
    this.json = json;
    this.events = events;
  }

  /** Published inside a transaction that changed desired state; heard after it commits. */
  public record RecordSetsChanged() {}

  /** A wish for one record set, before validation. */
  public record Draft(String name, String type, Integer ttl, List<String> values) {}

  /** Creates a set; refuses one that exists (a set whose deletion is pending is revived). */
  @Transactional
  public RecordSet create(Draft draft, String owner, String tenant) {
    RecordSetSpec spec = validate(draft);
    Optional<RecordSet> existing = records.lock(spec.zone(), spec.name(), spec.type());
    if (existing.isPresent() && !existing.get().deleted()) {
      throw ProblemException.conflict(
          "record-set-exists",
          "A "
              + spec.type()
              + " set for "
              + spec.name()
              + " exists already (id "
              + existing.get().id()
              + ").");
    }
    checkNameRules(spec);
    long id;
    if (existing.isPresent()) {
      id = existing.get().id();
      records.replace(id, spec.ttl(), spec.values(), owner, tenant);
    } else {
      id = insert(spec, owner, tenant);
    }
    return announce(DnsEventType.RECORD_SET_CREATED, id);
  }

  private long insert(RecordSetSpec spec, String owner, String tenant) {
    try {
      return records.insert(spec, owner, tenant);
    } catch (DuplicateKeyException e) {
      throw ProblemException.conflict(
          "record-set-exists",
          "A " + spec.type() + " set for " + spec.name() + " was just created by someone else.");
    } catch (DataIntegrityViolationException e) {
      String cause = String.valueOf(e.getMostSpecificCause().getMessage());
      if (!cause.contains("foreign key constraint")) {
        throw e;
      }
      // the zone's row is gone: it was unregistered between validation and the insert
      throw ProblemException.unprocessable(
          "outside-managed-zones",
          "Zone '" + spec.zone() + "' was just unregistered.",
          List.of(new FieldViolation("name", "is outside every managed zone")));
    }
  }

  /**
   * Replaces the TTL and values of a set, if {@code expectedVersion} (when given) still holds. A
   * name or type in the draft must be the set's own (422 {@code immutable-field} otherwise).
   */
  @Transactional
  public RecordSet update(RecordSet current, Draft draft, Long expectedVersion) {
    List<FieldViolation> changed =
        RecordSetSpec.identityChanges(current.name(), current.type(), draft.name(), draft.type());
    if (!changed.isEmpty()) {
      throw ProblemException.unprocessable(
          "immutable-field",
          "A record set's name and type cannot change; nothing was changed.",
          changed);
    }
    RecordSetSpec spec =
        validate(new Draft(current.name(), current.type().name(), draft.ttl(), draft.values()));
    RecordSet locked = lockAt(current, expectedVersion);
    if (locked.ttl() == spec.ttl() && locked.values().equals(spec.values())) {
      return locked;
    }
    records.replace(locked.id(), spec.ttl(), spec.values(), locked.owner(), locked.tenant());
    return announce(DnsEventType.RECORD_SET_UPDATED, locked.id());
  }

  /** Marks a set for deletion; it disappears once BIND no longer holds it. */
  @Transactional
  public RecordSet delete(RecordSet current, Long expectedVersion) {
    RecordSet locked = lockAt(current, expectedVersion);
    records.markDeleted(locked.id());
    return announce(DnsEventType.RECORD_SET_DELETED, locked.id());
  }

  /**
   * Removes a set from the platform's state at once, without waiting for BIND: the way out for a
   * set whose zone refuses updates, which a delete would leave pending forever. BIND keeps whatever
   * it holds for the name (drift repair then counts it as unmanaged). Works on a set whose deletion
   * is pending too; {@code expectedVersion}, when given, must still hold.
   */
  @Transactional
  public void forget(RecordSet current, Long expectedVersion) {
    RecordSet locked =
        records
            .lock(current.zone(), current.name(), current.type())
            .filter(r -> r.id() == current.id())
            .orElseThrow(
                () -> ProblemException.notFound("record set", Long.toString(current.id())));
    checkVersion(locked, expectedVersion);
    removeFromState(locked);
  }

  /** Unregistering a zone with its sets: each leaves the platform's state, as {@link #forget}. */
  @Override
  @Transactional
  public int removeAll(String zone) {
    List<RecordSet> sets = records.lockZone(zone);
    sets.forEach(this::removeFromState);
    return sets.size();
  }

  // announced as deleted the way a delete announces it, unless a delete already did
  private void removeFromState(RecordSet set) {
    if (!set.deleted()) {
      records.markDeleted(set.id());
      announce(DnsEventType.RECORD_SET_DELETED, set.id());
    }
    records.remove(set.id());
  }

  /** Locks the set again and checks it is still the version the caller saw, when given. */
  private RecordSet lockAt(RecordSet current, Long expectedVersion) {
    RecordSet locked =
        records
            .lock(current.zone(), current.name(), current.type())
            .filter(r -> !r.deleted())
            .orElseThrow(
                () -> ProblemException.notFound("record set", Long.toString(current.id())));
    checkVersion(locked, expectedVersion);
    return locked;
  }

  private static void checkVersion(RecordSet locked, Long expectedVersion) {
    if (expectedVersion != null && expectedVersion != locked.version()) {
      throw ProblemException.conflict(
          "stale-version",
          "The set changed since version "
              + expectedVersion
              + "; it is at "
              + locked.version()
              + ".");
    }
  }

  /** The outcome of making a set true for an automatic owner. */
  public enum Upsert {
    CREATED,
    UPDATED,
    UNCHANGED,
    OWNED_ELSEWHERE
  }

  /** Makes one set true for an automatic {@code owner}, never touching a set someone else owns. */
  @Transactional
  public Upsert upsertOwned(Draft draft, String owner, String tenant) {
    RecordSetSpec spec = validate(draft);
    Optional<RecordSet> existing = records.lock(spec.zone(), spec.name(), spec.type());
    if (existing.isEmpty() || existing.get().deleted()) {
      create(draft, owner, tenant);
      return Upsert.CREATED;
    }
    RecordSet set = existing.get();
    if (!set.owner().equals(owner)) {
      return Upsert.OWNED_ELSEWHERE;
    }
    if (set.ttl() == spec.ttl() && set.values().equals(spec.values())) {
      return Upsert.UNCHANGED;
    }
    records.replace(set.id(), spec.ttl(), spec.values(), owner, tenant);
    announce(DnsEventType.RECORD_SET_UPDATED, set.id());
    return Upsert.UPDATED;
  }

  /**
   * Deletes the sets of the given types that an automatic {@code owner} holds; returns how many.
   */
  @Transactional
  public int deleteOwned(String owner, Set<RecordType> types) {
    List<RecordSet> owned =
        records.ownedBy(owner).stream().filter(s -> types.contains(s.type())).toList();
    for (RecordSet set : owned) {
      records.markDeleted(set.id());
      announce(DnsEventType.RECORD_SET_DELETED, set.id());
    }
    return owned.size();
  }

  private RecordSetSpec validate(Draft draft) {
    String name = draft.name() == null ? "" : DnsName.normalize(draft.name());
    Zone zone = zones.enclosing(name).orElse(null);
    if (zone == null) {
      // checked as a name first, so a hostile string is a 400, not "outside every zone"
      RecordSetSpec.Result shape =
          RecordSetSpec.validate(
              "", RecordSetSpec.MIN_TTL, draft.name(), draft.type(), draft.ttl(), draft.values());
      if (shape instanceof RecordSetSpec.Result.Invalid invalid) {
        throw ProblemException.invalid(invalid.violations());
      }
      throw ProblemException.unprocessable(
          "outside-managed-zones",
          "'" + name + "' lies in no zone the platform manages.",
          List.of(new FieldViolation("name", "is outside every managed zone")));
    }
    RecordSetSpec.Result result =
        RecordSetSpec.validate(
            zone.name(),
            zone.defaultTtl(),
            draft.name(),
            draft.type(),
            draft.ttl(),
            draft.values());
    if (result instanceof RecordSetSpec.Result.Invalid invalid) {
      throw ProblemException.invalid(invalid.violations());
    }
    return ((RecordSetSpec.Result.Valid) result).spec();
  }

  // RFC 1034: a CNAME owns its name alone.
  private void checkNameRules(RecordSetSpec spec) {
    List<RecordType> others =
        records.typesAt(spec.zone(), spec.name()).stream().filter(t -> t != spec.type()).toList();
    if (!others.isEmpty() && (spec.type().exclusiveAtName() || others.contains(RecordType.CNAME))) {
      throw ProblemException.unprocessable(
          "cname-conflict",
          spec.name() + " holds " + others + "; a CNAME cannot share its name with other types.",
          List.of(new FieldViolation("type", "conflicts with " + others + " at the same name")));
    }
  }

  private RecordSet announce(DnsEventType type, long id) {
    RecordSet set = records.find(id).orElseThrow();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", set.id());
    data.put("zone", set.zone());
    data.put("name", set.name());
    data.put("type", set.type().name());
    data.put("ttl", set.ttl());
    data.put("values", set.values());
    data.put("owner", set.owner());
    data.put("version", set.version());
    outbox.append(
        Topic.DNS_EVENTS,
        CloudEvent.of(
            "/dns-service",
            type,
            set.zone() + "/" + set.name() + "/" + set.type(),
            set.tenant(),
            json.valueToTree(data)));
    events.publishEvent(new RecordSetsChanged());
    return set;
  }
}
