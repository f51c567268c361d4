package io.containercloud.dns.sync;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.error.Problems;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.dns.model.DnsName;
import io.containercloud.dns.zone.Zone;
import io.containercloud.dns.zone.ZoneRepository;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Runs drift repair of one zone on demand (it also runs on its own at an interval). A zone BIND
 * will not transfer is 502 {@code bind-refused} with BIND's answer, a BIND that does not answer 503
 * {@code bind-unreachable}: problems of the server, not of this service.
 */
@RestController
class DriftResource {

  private final ZoneRepository zones;
  private final DriftReconciler drift;

  DriftResource(ZoneRepository zones, DriftReconciler drift) {
    this.zones = zones;
    this.drift = drift;
  }

  @PostMapping("/zones/{zone}/drift-repair")
  DriftReport repair(@PathVariable String zone) {
    if (!Caller.current().has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden("Drift repair needs the platform-admin role.");
    }
    Zone managed =
        zones
            .find(DnsName.normalize(zone))
            .orElseThrow(() -> ProblemException.notFound("zone", zone));
    DriftOutcome outcome = drift.repair(managed);
    if (outcome instanceof DriftOutcome.TransferRefused refused) {
      throw bindRefused(managed, refused);
    } else if (outcome instanceof DriftOutcome.BindUnreachable unreachable) {
      throw ProblemException.unavailable("bind-unreachable", unreachable.reason(), null);
    }
    return ((DriftOutcome.Compared) outcome).report();
  }

  private static ErrorResponseException bindRefused(
      Zone zone, DriftOutcome.TransferRefused refused) {
    HttpStatus status = HttpStatus.BAD_GATEWAY;
    ProblemDetail problem =
        Problems.of(
            status,
            "bind-refused",
            refused.reason() + "; nothing was compared or repaired.",
            List.of());
    problem.setProperty("zone", zone.name());
    problem.setProperty("server", zone.serverHost() + ":" + zone.serverPort());
    problem.setProperty("rcode", refused.rcode());
    return new ErrorResponseException(status, problem, null);
  }
}
