package io.containercloud.dns.zone;

import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.dns.bind.TsigKeyring;
import io.containercloud.dns.model.DnsName;
import io.containercloud.dns.model.RecordSetSpec;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Zones the platform may manage; only platform admins change them. */
@RestController
class ZoneResource {

  private final ZoneRepository zones;
  private final TsigKeyring keys;

  ZoneResource(ZoneRepository zones, TsigKeyring keys) {
    this.zones = zones;
    this.keys = keys;
  }

  record ZoneRequest(
      @NotBlank String name,
      @NotBlank
          @Pattern(regexp = "[A-Za-z0-9.:-]{1,253}", message = "must be a host name or IP address")
          String serverHost,
      @NotNull @Min(1) @Max(65535) Integer serverPort,
      @NotBlank
          @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}", message = "must name a configured TSIG key")
          String tsigKey,
      @Min(RecordSetSpec.MIN_TTL) @Max(RecordSetSpec.MAX_TTL) Integer defaultTtl) {}

  @GetMapping("/zones")
  List<Zone> list() {
    return zones.findAll();
  }

  @GetMapping("/zones/{zone}")
  Zone get(@PathVariable String zone) {
    return zones
        .find(DnsName.normalize(zone))
        .orElseThrow(() -> ProblemException.notFound("zone", zone));
  }

  @PostMapping("/zones")
  ResponseEntity<Zone> create(@Valid @RequestBody ZoneRequest request) {
    requireAdmin();
    List<FieldViolation> violations = new ArrayList<>();
    DnsName.problem(request.name(), DnsName.Labels.HOST)
        .ifPresent(p -> violations.add(new FieldViolation("name", p)));
    DnsName.problem(request.serverHost(), DnsName.Labels.HOST)
        .filter(
            p -> !request.serverHost().contains(":") && !request.serverHost().matches("[0-9.]+"))
        .ifPresent(p -> violations.add(new FieldViolation("serverHost", p)));
    if (!violations.isEmpty()) {
      throw ProblemException.invalid(violations);
    }
    if (!keys.contains(request.tsigKey())) {
      throw ProblemException.unprocessable(
          "unknown-tsig-key",
          "No TSIG key '" + request.tsigKey() + "' is configured; known: " + keys.names(),
          List.of(new FieldViolation("tsigKey", "is not configured")));
    }
    int ttl = request.defaultTtl() == null ? 300 : request.defaultTtl();
    Zone zone =
        new Zone(
            DnsName.normalize(request.name()),
            request.serverHost(),
            request.serverPort(),
            request.tsigKey(),
            ttl);
    if (!zones.insert(zone)) {
      throw ProblemException.conflict(
          "zone-exists", "Zone '" + zone.name() + "' is already managed.");
    }
    return ResponseEntity.created(URI.create("/zones/" + zone.name())).body(zone);
  }

  @DeleteMapping("/zones/{zone}")
  ResponseEntity<Void> delete(@PathVariable String zone) {
    requireAdmin();
    String name = DnsName.normalize(zone);
    if (zones.hasRecordSets(name)) {
      throw ProblemException.conflict(
          "zone-not-empty", "Zone '" + name + "' still has record sets.");
    }
    if (!zones.delete(name)) {
      throw ProblemException.notFound("zone", zone);
    }
    return ResponseEntity.noContent().build();
  }

  private static void requireAdmin() {
    if (!Caller.current().has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden("Managing zones needs the platform-admin role.");
    }
  }
}
