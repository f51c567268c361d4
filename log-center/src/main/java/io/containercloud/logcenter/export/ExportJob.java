package io.containercloud.logcenter.export;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Map;

/**
 * One export, as its owner sees it and as it is kept beside its file (so a restart keeps it).
 *
 * @param state {@code running}, {@code done} or {@code failed}
 * @param records records written so far
 * @param total records the filter matched when the export began (at most the export's cap)
 * @param expiresAt when the file is deleted (set once the export has ended)
 */
record ExportJob(
    String id,
    @JsonIgnore String tenant,
    @JsonIgnore String user,
    String format,
    Map<String, String> filters,
    String state,
    long records,
    long total,
    Instant createdAt,
    Instant finishedAt,
    Instant expiresAt,
    String error) {

  static final String RUNNING = "running";
  static final String DONE = "done";
  static final String FAILED = "failed";

  ExportJob progress(long written) {
    return new ExportJob(
        id,
        tenant,
        user,
        format,
        filters,
        state,
        written,
        total,
        createdAt,
        finishedAt,
        expiresAt,
        error);
  }

  ExportJob total(long matched) {
    return new ExportJob(
        id,
        tenant,
        user,
        format,
        filters,
        state,
        records,
        matched,
        createdAt,
        finishedAt,
        expiresAt,
        error);
  }

  ExportJob ended(String end, Instant at, Instant expires, String why) {
    return new ExportJob(
        id, tenant, user, format, filters, end, records, total, createdAt, at, expires, why);
  }

  /** As kept on disk: the owner included. */
  record Stored(ExportJob job, String tenant, String user) {}
}
