package io.containercloud.dns.naming;

import io.containercloud.common.event.contract.EndpointsChanged;
import io.containercloud.dns.model.RecordType;
import io.containercloud.dns.record.RecordService;
import io.containercloud.dns.record.RecordService.Draft;
import io.containercloud.dns.record.RecordService.Upsert;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps a name per workload: {@code <service>.<application>.<tenant>.<zone>} (pattern configurable)
 * points at the workload's ready addresses in every cluster, as an A and/or AAAA set owned by
 * {@code workload:<tenant>/<application>/<service>}. A name someone else owns (an operator's manual
 * record) is never touched; the conflict is logged.
 */
@Component
class WorkloadNames {

  private static final Logger log = LoggerFactory.getLogger(WorkloadNames.class);

  private final RecordService records;
  private final NamingProperties properties;
  private final WorkloadEndpoints endpoints;

  WorkloadNames(RecordService records, NamingProperties properties, WorkloadEndpoints endpoints) {
    this.records = records;
    this.properties = properties;
    this.endpoints = endpoints;
  }

  /** Records one cluster's addresses and points the name at the union over all clusters. */
  void follow(EndpointsChanged changed) {
    String previous = endpoints.record(changed);
    if (previous != null) {
      removed(new Workload(changed.namespace(), previous, changed.service()));
    }
    Workload workload = new Workload(changed.namespace(), changed.application(), changed.service());
    List<String> all = endpoints.union(changed.namespace(), changed.service());
    if (all.isEmpty()) {
      removed(workload);
    } else {
      placed(workload, all);
    }
  }

  /** A workload, from labels {@link EndpointsChanged} checked. */
  record Workload(String tenant, String application, String service) {

    String owner() {
      return "workload:" + tenant + "/" + application + "/" + service;
    }
  }

  /** Points the workload's name at {@code addresses} (IPv4 and IPv6 literals). */
  private void placed(Workload workload, List<String> addresses) {
    String name = nameOf(workload);
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    addresses.forEach(a -> (a.contains(":") ? v6 : v4).add(a));
    Set<RecordType> unused = EnumSet.noneOf(RecordType.class);
    apply(workload, name, RecordType.A, v4, unused);
    apply(workload, name, RecordType.AAAA, v6, unused);
    if (!unused.isEmpty()) {
      records.deleteOwned(workload.owner(), unused);
    }
  }

  /** Removes every name of the workload. */
  private void removed(Workload workload) {
    records.deleteOwned(workload.owner(), EnumSet.of(RecordType.A, RecordType.AAAA));
  }

  private void apply(
      Workload workload,
      String name,
      RecordType type,
      List<String> addresses,
      Set<RecordType> unused) {
    if (addresses.isEmpty()) {
      unused.add(type);
      return;
    }
    Upsert outcome =
        records.upsertOwned(
            new Draft(name, type.name(), properties.ttl(), addresses),
            workload.owner(),
            workload.tenant());
    if (outcome == Upsert.OWNED_ELSEWHERE) {
      log.warn(
          "{} {} is owned by someone else: left as it is, not pointed at {}",
          type,
          name,
          workload.owner());
    }
  }

  String nameOf(Workload workload) {
    return properties
            .pattern()
            .replace("{service}", workload.service())
            .replace("{application}", workload.application())
            .replace("{tenant}", workload.tenant())
        + "."
        + properties.zone();
  }
}
