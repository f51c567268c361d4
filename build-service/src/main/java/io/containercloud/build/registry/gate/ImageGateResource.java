package io.containercloud.build.registry.gate;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.event.contract.ImageGateChanged;
import io.containercloud.common.event.contract.ImageScanned;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The image gate: each tenant's policy (set by platform admins, the security team's role; read by
 * the tenant's members) and the scan reports it reads (attached by platform admins, the scanners'
 * accounts, in the local platform; Harbor's come through its webhook). cluster-service enforces the
 * gate from the events these changes publish.
 */
@RestController
class ImageGateResource {

  private static final String TENANT = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  private static final String DIGEST = "sha256:[a-f0-9]{64}";
  private static final String SEVERITY = "Negligible|Low|Medium|High|Critical";

  private final ImageGates gates;
  private final ScanReports reports;

  ImageGateResource(ImageGates gates, ScanReports reports) {
    this.gates = gates;
    this.reports = reports;
  }

  /**
   * A tenant's gate.
   *
   * @param enabled whether the tenant's images need a passing scan to deploy
   * @param blockAt the least severity that fails a scan (Harbor's names)
   */
  record GateSpec(
      @NotNull Boolean enabled,
      @NotNull
          @Pattern(
              regexp = SEVERITY,
              message = "must be one of Negligible, Low, Medium, High, Critical")
          String blockAt,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}

  record GateView(String tenant, boolean enabled, String blockAt, Instant updatedAt) {}

  /**
   * A scanner's report of one image.
   *
   * @param summary vulnerabilities per severity, Harbor's names ({@code {"Critical": 1}})
   */
  record Report(
      @NotNull
          @Pattern(
              regexp = "[A-Za-z0-9 ._+:()/@-]{1,128}",
              message = "must be 1 to 128 letters, digits, spaces and . _ + : ( ) / @ -")
          String scanner,
      @NotNull Map<String, Integer> summary,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) {}

  @GetMapping("/image-gates/{tenant}")
  ResponseEntity<GateView> gate(@PathVariable String tenant) {
    if (!Caller.current().canSee(tenant)) {
      throw ProblemException.notFound("image gate", tenant);
    }
    return gates
        .find(tenant)
        .map(
            g ->
                ResponseEntity.ok()
                    .eTag("\"" + g.version() + "\"")
                    .body(new GateView(g.tenant(), g.enabled(), g.blockAt(), g.updatedAt())))
        .orElseGet(() -> ResponseEntity.ok(new GateView(tenant, false, "Critical", null)));
  }

  @PutMapping("/image-gates/{tenant}")
  ResponseEntity<GateView> setGate(
      @PathVariable String tenant,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @Valid @RequestBody GateSpec spec) {
    ProblemException.requireKnownFields(spec.unknown());
    requireAdmin("Setting a tenant's image gate");
    if (!tenant.matches(TENANT)) {
      throw ProblemException.invalid("tenant", "must be a lowercase RFC 1123 label");
    }
    Long expected = null;
    if (ifMatch != null) {
      expected = parseVersion(ifMatch);
    }
    if (!gates.put(new ImageGateChanged(tenant, spec.enabled(), spec.blockAt()), expected)) {
      throw ProblemException.conflict(
          "stale-version", "The image gate of '" + tenant + "' changed since it was read.");
    }
    return gate(tenant);
  }

  @GetMapping("/scan-reports/{digest}")
  ScanReports.Report report(@PathVariable String digest) {
    return reports.find(digest).orElseThrow(() -> ProblemException.notFound("scan report", digest));
  }

  @PutMapping("/scan-reports/{digest}")
  ScanReports.Report attach(@PathVariable String digest, @Valid @RequestBody Report report) {
    ProblemException.requireKnownFields(report.unknown());
    requireAdmin("Attaching a scan report");
    if (!digest.matches(DIGEST)) {
      throw ProblemException.invalid("digest", "must be sha256: and 64 lowercase hex digits");
    }
    List<FieldViolation> violations =
        report.summary().entrySet().stream()
            .filter(
                e ->
                    !ImageScanned.SEVERITIES.contains(e.getKey())
                        || e.getValue() == null
                        || e.getValue() < 0)
            .map(
                e ->
                    new FieldViolation(
                        "summary." + e.getKey(),
                        "must be a severity Harbor names (Critical, High, Medium, Low, Negligible,"
                            + " Unknown, None) with a count of 0 or more"))
            .toList();
    if (!violations.isEmpty()) {
      throw ProblemException.invalid(violations);
    }
    reports.store(
        new ImageScanned(digest, report.scanner(), report.summary()), "attached", null, null);
    return report(digest);
  }

  private static long parseVersion(String ifMatch) {
    try {
      return Long.parseLong(ifMatch.replace("\"", "").replace("W/", ""));
    } catch (NumberFormatException e) {
      throw ProblemException.invalid("If-Match", "must be an ETag this API gave");
    }
  }

  private static void requireAdmin(String what) {
    if (!Caller.current().has(Role.PLATFORM_ADMIN)) {
      throw ProblemException.forbidden(what + " needs the platform-admin role.");
    }
  }
}
