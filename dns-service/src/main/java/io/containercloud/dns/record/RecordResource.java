package io.containercloud.dns.record;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import io.containercloud.dns.model.DnsName;
import io.containercloud.dns.model.RecordType;
import io.containercloud.dns.record.RecordService.Draft;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Record sets through the API. Everything made here is owned by {@code manual}; sets that automatic
 * names own are read-only here. A tenant sees and changes only its own sets, a platform admin all
 * of them, a viewer changes nothing.
 */
@RestController
@Validated
class RecordResource {

  private final RecordService service;
  private final RecordRepository records;

  RecordResource(RecordService service, RecordRepository records) {
    this.service = service;
    this.records = records;
  }

  /** A record set as a client sends it; any other field is refused (400), never ignored. */
  record RecordRequest(
      String name,
      String type,
      Integer ttl,
      List<String> values,
      @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknownFields) {

    Draft draft() {
      List<FieldViolation> unknown =
          unknownFields == null
              ? List.of()
              : unknownFields.keySet().stream()
                  .sorted()
                  .map(
                      f ->
                          new FieldViolation(
                              f,
                              "is not a field of a record set request (name, type, ttl, values)"))
                  .toList();
      if (!unknown.isEmpty()) {
        throw ProblemException.invalid(unknown);
      }
      return new Draft(name, type, ttl, values);
    }
  }

  record SyncView(RecordSet.SyncStatus status, String error, int attempts, Instant appliedAt) {}

  record RecordView(
      long id,
      String zone,
      String name,
      String type,
      int ttl,
      List<String> values,
      String owner,
      String tenant,
      long version,
      boolean deleting,
      SyncView sync) {

    static RecordView of(RecordSet s) {
      return new RecordView(
          s.id(),
          s.zone(),
          s.name(),
          s.type().name(),
          s.ttl(),
          s.values(),
          s.owner(),
          s.tenant(),
          s.version(),
          s.deleted(),
          new SyncView(s.syncStatus(), s.syncError(), s.attempts(), s.appliedAt()));
    }
  }

  record Page(List<RecordView> items, String nextCursor) {}

  @GetMapping("/records")
  Page list(
      @RequestParam(required = false)
          @Pattern(regexp = "[A-Za-z0-9.-]{1,253}", message = "must be a zone name")
          String zone,
      @RequestParam(required = false)
          @Pattern(regexp = "[A-Za-z0-9._*-]{1,253}", message = "must be a name prefix")
          String namePrefix,
      @RequestParam(required = false)
          @Pattern(regexp = "(?i)A|AAAA|CNAME|TXT|SRV", message = "must be a record type")
          String type,
      @RequestParam(required = false)
          @Pattern(regexp = "[A-Za-z0-9:/._-]{1,255}", message = "must be an owner")
          String owner,
      @RequestParam(required = false)
          @Pattern(regexp = "\\d{1,18}", message = "must be a cursor from a page")
          String cursor,
      @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
    Caller caller = Caller.current();
    RecordRepository.Filter filter =
        new RecordRepository.Filter(
            zone == null ? null : DnsName.normalize(zone),
            namePrefix == null ? null : namePrefix.toLowerCase(Locale.ROOT),
            type == null ? null : RecordType.valueOf(type.toUpperCase(Locale.ROOT)),
            owner,
            caller.has(Role.PLATFORM_ADMIN) ? null : caller.tenant());
    List<RecordSet> page =
        records.page(filter, cursor == null ? 0 : Long.parseLong(cursor), limit + 1);
    List<RecordView> items = page.stream().limit(limit).map(RecordView::of).toList();
    String next = page.size() > limit ? Long.toString(items.get(items.size() - 1).id()) : null;
    return new Page(items, next);
  }

  @GetMapping("/records/{id}")
  ResponseEntity<RecordView> get(@PathVariable long id) {
    RecordSet set = visible(id);
    return ResponseEntity.ok().eTag(Long.toString(set.version())).body(RecordView.of(set));
  }

  @PostMapping("/records")
  ResponseEntity<RecordView> create(@RequestBody RecordRequest request) {
    Caller caller = requireWriter();
    RecordSet set = service.create(request.draft(), RecordSet.MANUAL, caller.tenant());
    return ResponseEntity.created(URI.create("/records/" + set.id()))
        .eTag(Long.toString(set.version()))
        .body(RecordView.of(set));
  }

  @PutMapping("/records/{id}")
  ResponseEntity<RecordView> update(
      @PathVariable long id,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @RequestBody RecordRequest request) {
    requireWriter();
    RecordSet current = manual(visible(id));
    RecordSet set = service.update(current, request.draft(), version(ifMatch));
    return ResponseEntity.ok().eTag(Long.toString(set.version())).body(RecordView.of(set));
  }

  /**
   * Deletes a set: 202, and it goes once BIND dropped it. With {@code force=true} it leaves the
   * platform's state at once without BIND (204): for a set whose zone refuses updates.
   */
  @DeleteMapping("/records/{id}")
  ResponseEntity<RecordView> delete(
      @PathVariable long id,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @RequestParam(defaultValue = "false") boolean force) {
    requireWriter();
    RecordSet current = manual(visible(id));
    if (force) {
      service.forget(current, version(ifMatch));
      return ResponseEntity.noContent().build();
    }
    RecordSet set = service.delete(current, version(ifMatch));
    return ResponseEntity.accepted().body(RecordView.of(set));
  }

  private RecordSet visible(long id) {
    return records
        .find(id)
        .filter(s -> Caller.current().canSee(s.tenant()))
        .orElseThrow(() -> ProblemException.notFound("record set", Long.toString(id)));
  }

  private static RecordSet manual(RecordSet set) {
    if (!set.manual()) {
      throw ProblemException.conflict(
          "owned-elsewhere", "This set is owned by " + set.owner() + " and managed automatically.");
    }
    return set;
  }

  private static Caller requireWriter() {
    Caller caller = Caller.current();
    if (!caller.has(Role.PLATFORM_ADMIN)
        && !caller.has(Role.TENANT_ADMIN)
        && !caller.has(Role.DEVELOPER)) {
      throw ProblemException.forbidden(
          "Changing DNS records needs the developer, tenant-admin or platform-admin role.");
    }
    return caller;
  }

  private static Long version(String ifMatch) {
    if (ifMatch == null) {
      return null;
    }
    String v = ifMatch.replace("W/", "").replace("\"", "").trim();
    if (!v.matches("\\d{1,18}")) {
      throw ProblemException.invalid("If-Match", "must be an ETag this API returned");
    }
    return Long.parseLong(v);
  }
}
