package io.containercloud.dns.zone;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.error.Problems;
import io.containercloud.dns.bind.BindClient;
import io.containercloud.dns.bind.ZoneCheck;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * Registers and unregisters zones. A zone is stored only once its server has shown that the
 * platform can manage it there; unregistering never touches BIND.
 */
@Service
class ZoneService {

  private final ZoneRepository zones;
  private final ZoneRecordSets recordSets;
  private final BindClient bind;

  ZoneService(ZoneRepository zones, ZoneRecordSets recordSets, BindClient bind) {
    this.zones = zones;
    this.recordSets = recordSets;
    this.bind = bind;
  }

  /**
   * Stores the zone if BIND is authoritative for it, accepts updates signed with its key and
   * transfers it; otherwise 422 {@code zone-check-failed} naming the check and BIND's answer, and
   * nothing is stored. The checks run outside any transaction (they wait on the network); a zone
   * registered meanwhile by someone else is still a 409.
   */
  Zone register(Zone zone) {
    if (zones.find(zone.name()).isPresent()) {
      throw alreadyManaged(zone);
    }
    ZoneCheck check = bind.check(zone.target());
    if (check instanceof ZoneCheck.Failed failed) {
      throw checkFailed(zone, failed.step(), failed.rcode(), failed.reason());
    } else if (check instanceof ZoneCheck.Unreachable unreachable) {
      throw checkFailed(zone, unreachable.step(), null, unreachable.reason());
    }
    if (!zones.insert(zone)) {
      throw alreadyManaged(zone);
    }
    return zone;
  }

  /**
   * Stops managing a zone. Without {@code withRecordSets} a zone holding sets is 409 {@code
   * zone-not-empty}; with it, its sets leave the platform's state in the same transaction (each
   * announced as deleted). BIND keeps the zone and everything in it either way.
   */
  @Transactional
  void unregister(String name, boolean withRecordSets) {
    if (!zones.lock(name)) {
      throw ProblemException.notFound("zone", name);
    }
    if (withRecordSets) {
      recordSets.removeAll(name);
    } else if (zones.hasRecordSets(name)) {
      throw ProblemException.conflict(
          "zone-not-empty",
          "Zone '"
              + name
              + "' still has record sets; delete them, or unregister it with them"
              + " (withRecords=true).");
    }
    zones.delete(name);
  }

  private static ProblemException alreadyManaged(Zone zone) {
    return ProblemException.conflict(
        "zone-exists", "Zone '" + zone.name() + "' is already managed.");
  }

  private static ErrorResponseException checkFailed(
      Zone zone, ZoneCheck.Step step, String rcode, String reason) {
    HttpStatus status = HttpStatus.UNPROCESSABLE_CONTENT;
    ProblemDetail problem =
        Problems.of(
            status,
            "zone-check-failed",
            "The " + step.label() + " check failed: " + reason + ". Nothing was stored.",
            List.of());
    problem.setProperty("check", step.label());
    problem.setProperty("server", zone.serverHost() + ":" + zone.serverPort());
    if (rcode != null) {
      problem.setProperty("rcode", rcode);
    }
    return new ErrorResponseException(status, problem, null);
  }
}
