package io.containercloud.logcenter.export;

import io.containercloud.common.error.ProblemException;
import io.containercloud.common.security.Caller;
import io.containercloud.logcenter.search.LogFilter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Exports of the caller's records: {@code POST /exports} begins one (202, its progress at {@code
 * Location}), {@code GET /exports/{id}} tells its progress, {@code GET /exports/{id}/file}
 * downloads it once done (409 before).
 */
@RestController
class ExportResource {

  private final Exports exports;
  private final Clock clock;

  ExportResource(Exports exports, Clock clock) {
    this.exports = exports;
    this.clock = clock;
  }

  @PostMapping("/exports")
  ResponseEntity<ExportJob> start(@RequestBody ExportRequest request) {
    ExportFormat format = ExportFormat.of(request.format());
    if (format == null) {
      throw ProblemException.invalid("format", "must be ndjson or csv");
    }
    Map<String, String> filters = request.filters() == null ? Map.of() : request.filters();
    Caller caller = Caller.current();
    LogFilter filter = LogFilter.of(caller.tenant(), filters, Set.of(), clock.instant());
    ExportJob job = exports.start(caller, format, filter, filters);
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("exports/" + job.id()))
        .body(job);
  }

  @GetMapping("/exports/{id}")
  ExportJob get(@PathVariable String id) {
    return exports.get(Caller.current(), id);
  }

  @GetMapping("/exports/{id}/file")
  ResponseEntity<Resource> file(@PathVariable String id) {
    ExportJob job = exports.get(Caller.current(), id);
    Path file =
        exports
            .file(job)
            .orElseThrow(
                () ->
                    ProblemException.conflict(
                        "export-not-ready",
                        "Export '" + id + "' is " + job.state() + ", not done."));
    ExportFormat format = ExportFormat.of(job.format());
    return ResponseEntity.ok()
        .contentType(format.mediaType())
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment()
                .filename("logs-" + id + "." + job.format())
                .build()
                .toString())
        .body(new FileSystemResource(file));
  }
}
