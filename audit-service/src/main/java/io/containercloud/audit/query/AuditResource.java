package io.containercloud.audit.query;

import io.containercloud.audit.chain.AuditChain;
import io.containercloud.audit.chain.VerifyReport;
import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.common.security.Role;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading the trail: query with paging, streamed export, chain verification. A tenant admin sees
 * its own tenant only; a platform admin sees every tenant; other roles see nothing.
 */
@RestController
@Validated
class AuditResource {

  private static final String TENANT = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  private final JdbcTemplate jdbc;
  private final JdbcTemplate streaming;
  private final AuditChain chain;
  private final JsonMapper json;

  AuditResource(JdbcTemplate jdbc, AuditChain chain, JsonMapper json) {
    this.jdbc = jdbc;
    this.chain = chain;
    this.json = json;
    this.streaming = new JdbcTemplate(jdbc.getDataSource());
    // rows flow from MySQL to the client one by one: an export never holds the trail in memory
    this.streaming.setFetchSize(Integer.MIN_VALUE);
  }

  record Page(List<AuditView> items, String nextCursor) {}

  @GetMapping("/records")
  Page list(
      @RequestParam(required = false) @Pattern(regexp = TENANT, message = "must be a tenant name")
          String tenant,
      @RequestParam(required = false)
          @Pattern(regexp = "[\\w.@:/-]{1,255}", message = "must be a user name")
          String user,
      @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to,
      @RequestParam(required = false)
          @Pattern(regexp = "[a-z0-9-]{1,63}", message = "must be a service name")
          String service,
      @RequestParam(required = false)
          @Pattern(regexp = "[A-Z]{3,7}", message = "must be an HTTP method")
          String method,
      @RequestParam(required = false) @Min(100) @Max(599) Integer status,
      @RequestParam(required = false)
          @Pattern(regexp = "[\\w.:/@-]{1,255}", message = "must be a target id")
          String target,
      @RequestParam(required = false)
          @Pattern(
              regexp = "[^\\p{Cntrl}]{1,200}",
              message = "must be 1 to 200 printable characters")
          String q,
      @RequestParam(required = false)
          @Pattern(regexp = "\\d{1,18}", message = "must be a cursor from a page")
          String cursor,
      @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
    AuditFilter filter =
        new AuditFilter(visibleTenant(tenant), user, from, to, service, method, status, target, q);
    AuditFilter.Where where = filter.where();
    String sql =
        "SELECT * FROM audit_record"
            + where.sql()
            + (cursor == null ? "" : " AND id < ?")
            + " ORDER BY id DESC LIMIT ?";
    List<Object> args = new java.util.ArrayList<>(where.args());
    if (cursor != null) {
      args.add(Long.parseLong(cursor));
    }
    args.add(limit + 1);
    List<AuditView> rows = jdbc.query(sql, (rs, i) -> AuditView.of(rs), args.toArray());
    List<AuditView> items = rows.stream().limit(limit).toList();
    return new Page(
        items, rows.size() > limit ? Long.toString(items.get(items.size() - 1).id()) : null);
  }

  @GetMapping("/records/export")
  ResponseEntity<StreamingResponseBody> export(
      @RequestParam(defaultValue = "ndjson")
          @Pattern(regexp = "csv|ndjson", message = "must be csv or ndjson")
          String format,
      @RequestParam(required = false) @Pattern(regexp = TENANT, message = "must be a tenant name")
          String tenant,
      @RequestParam(required = false)
          @Pattern(regexp = "[\\w.@:/-]{1,255}", message = "must be a user name")
          String user,
      @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to) {
    AuditFilter.Where where =
        new AuditFilter(visibleTenant(tenant), user, from, to, null, null, null, null, null)
            .where();
    boolean csv = format.equals("csv");
    StreamingResponseBody body =
        out -> {
          Writer writer =
              new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
          if (csv) {
            writer.write(AuditCsv.HEADER);
          }
          streaming.query(
              "SELECT * FROM audit_record" + where.sql() + " ORDER BY id",
              (RowCallbackHandler)
                  rs -> {
                    AuditView view = AuditView.of(rs);
                    try {
                      writer.write(
                          csv ? AuditCsv.line(view) : json.writeValueAsString(view) + "\n");
                    } catch (java.io.IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  },
              where.args().toArray());
          writer.flush();
        };
    MediaType type =
        csv
            ? MediaType.parseMediaType("text/csv")
            : MediaType.parseMediaType("application/x-ndjson");
    return ResponseEntity.ok()
        .contentType(type)
        .header("Content-Disposition", "attachment; filename=\"audit." + format + "\"")
        .body(body);
  }

  /** The whole chain, or with {@code from} and {@code to} the records of that time window. */
  @GetMapping("/chains/{tenant}/verify")
  VerifyReport verify(
      @PathVariable @Pattern(regexp = TENANT, message = "must be a tenant name") String tenant,
      @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to) {
    String visible = visibleTenant(tenant);
    if (from == null && to == null) {
      return chain.verify(visible);
    }
    if (from == null || to == null || !from.isBefore(to)) {
      throw ProblemException.invalid("from", "a window needs both from and to, from before to");
    }
    return chain.verify(visible, from, to);
  }

  /**
   * The tenant the caller may read: any (or the one asked) for a platform admin, its own otherwise.
   */
  private static String visibleTenant(String asked) {
    Caller caller = Caller.current();
    if (caller.has(Role.PLATFORM_ADMIN)) {
      return asked;
    }
    if (!caller.has(Role.TENANT_ADMIN)) {
      throw ProblemException.forbidden(
          "Reading the audit trail needs the tenant-admin or platform-admin role.");
    }
    if (asked != null && !asked.equals(caller.tenant())) {
      throw ProblemException.forbidden("A tenant admin reads only the trail of its own tenant.");
    }
    return caller.tenant();
  }
}
