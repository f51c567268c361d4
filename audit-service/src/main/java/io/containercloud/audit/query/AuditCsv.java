package io.containercloud.audit.query;

/** CSV lines (RFC 4180), with cells that spreadsheets would run as formulas defused. */
final class AuditCsv {

  static final String HEADER =
      "id,tenant,seq,occurred_at,user,action,service,method,status,target_id,payload,hash\r\n";

  private AuditCsv() {}

  static String line(AuditView v) {
    return String.join(
            ",",
            Long.toString(v.id()),
            cell(v.tenant()),
            Long.toString(v.seq()),
            v.occurredAt().toString(),
            cell(v.user()),
            cell(v.action()),
            cell(v.service()),
            cell(v.method()),
            v.status() == null ? "" : v.status().toString(),
            cell(v.targetId()),
            cell(v.payload()),
            v.hash())
        + "\r\n";
  }

  private static String cell(String value) {
    if (value == null) {
      return "";
    }
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    return "\"" + v.replace("\"", "\"\"") + "\"";
  }
}
