package io.containercloud.logcenter.export;

import io.containercloud.logcenter.search.LogView;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** How an export's records are written: one JSON object per line, or CSV with a header. */
enum ExportFormat {
  NDJSON("ndjson", MediaType.parseMediaType("application/x-ndjson")) {
    @Override
    void header(Writer out) {}

    @Override
    void write(LogView record, Writer out, JsonMapper mapper) throws IOException {
      out.write(mapper.writeValueAsString(record));
      out.write('\n');
    }
  },
  CSV("csv", MediaType.parseMediaType("text/csv;charset=UTF-8")) {
    @Override
    void header(Writer out) throws IOException {
      out.write(String.join(",", COLUMNS));
      out.write("\r\n");
    }

    @Override
    void write(LogView r, Writer out, JsonMapper mapper) throws IOException {
      List<String> cells =
          List.of(
              r.time(),
              r.cluster(),
              r.node(),
              r.namespace(),
              r.app() == null ? "" : r.app(),
              r.service() == null ? "" : r.service(),
              r.pod(),
              r.container(),
              r.stream(),
              r.level() == null ? "" : r.level(),
              Boolean.toString(r.truncated()),
              r.id(),
              r.message());
      out.write(cells.stream().map(CsvCells::cell).collect(Collectors.joining(",")));
      out.write("\r\n");
    }
  };

  private static final List<String> COLUMNS =
      List.of(
          "time",
          "cluster",
          "node",
          "namespace",
          "app",
          "service",
          "pod",
          "container",
          "stream",
          "level",
          "truncated",
          "id",
          "message");

  private final String extension;
  private final MediaType mediaType;

  ExportFormat(String extension, MediaType mediaType) {
    this.extension = extension;
    this.mediaType = mediaType;
  }

  String extension() {
    return extension;
  }

  MediaType mediaType() {
    return mediaType;
  }

  abstract void header(Writer out) throws IOException;

  abstract void write(LogView record, Writer out, JsonMapper mapper) throws IOException;

  static ExportFormat of(String text) {
    for (ExportFormat format : values()) {
      if (format.extension.equals(text)) {
        return format;
      }
    }
    return null;
  }
}
