package io.containercloud.dns.zone;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.dns.bind.TsigKeyring;
import io.containercloud.dns.model.DnsName;
import io.containercloud.dns.model.RecordSetSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Zones the platform may manage; only platform admins change them. A zone is registered only once
 * its BIND has shown it can be managed there (see {@link ZoneService#register}).
 */
@RestController
class ZoneResource {

  private final ZoneRepository zones;
  private final ZoneService service;
  private final TsigKeyring keys;

  ZoneResource(ZoneRepository zones, ZoneService service, TsigKeyring keys) {
    this.zones = zones;
    this.service = service;
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
      @Min(RecordSetSpec.MIN_TTL) @Max(RecordSetSpec.MAX_TTL) Integer defaultTtl,
      // any other field is refused, not ignored
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknownFields) {}

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
    if (request.unknownFields() != null) {
      request
          .unknownFields()
          .keySet()
          .forEach(field -> violations.add(new FieldViolation(field, "is not a field of a zone")));
    }
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
        service.register(
            new Zone(
                DnsName.normalize(request.name()),
                request.serverHost(),
                request.serverPort(),
                request.tsigKey(),
                ttl));
    return ResponseEntity.created(URI.create("/zones/" + zone.name())).body(zone);
  }

  /**
   * Stops managing a zone; {@code withRecords=true} also removes its record sets from the
   * platform's state. BIND is never touched: the zone and its records stay there, unmanaged.
   */
  @DeleteMapping("/zones/{zone}")
  ResponseEntity<Void> delete(
      @PathVariable String zone, @RequestParam(defaultValue = "false") boolean withRecords) {
    requireAdmin();
    service.unregister(DnsName.normalize(zone), withRecords);
    return ResponseEntity.noContent().build();
  }

  private static void requireAdmin() {
    if (!Caller.current().has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden("Managing zones needs the platform-admin role.");
    }
  }
}
