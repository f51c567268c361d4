package io.containercloud.dns.sync;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.dns.model.DnsName;
import io.containercloud.dns.zone.ZoneRepository;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Runs drift repair of one zone on demand (it also runs on its own at an interval). */
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
    return drift.repair(
        zones
            .find(DnsName.normalize(zone))
            .orElseThrow(() -> ProblemException.notFound("zone", zone)));
  }
}
