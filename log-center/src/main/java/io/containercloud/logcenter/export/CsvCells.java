package io.containercloud.logcenter.export;

/**
 * RFC 4180 cells that a spreadsheet shows as text: a cell starting with {@code =}, {@code +},
 * {@code -}, {@code @}, a tab or a carriage return would be taken for a formula, so it gets a
 * leading apostrophe (OWASP's advice); a cell holding a quote, comma or line break is quoted, its
 * quotes doubled.
 */
final class CsvCells {

  private CsvCells() {}

  static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String text = value;
    char first = text.charAt(0);
    if (first == '='
        || first == '+'
        || first == '-'
        || first == '@'
        || first == '\t'
        || first == '\r') {
      text = "'" + text;
    }
    if (text.indexOf('"') >= 0
        || text.indexOf(',') >= 0
        || text.indexOf('\n') >= 0
        || text.indexOf('\r') >= 0) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
