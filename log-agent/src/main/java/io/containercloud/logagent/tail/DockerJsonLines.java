package io.containercloud.logagent.tail;

import io.containercloud.logagent.model.LogLine;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker's json-file lines, {@code {"log":"...\n","stream":"stdout","time":"..."}}: a message over
 * 16 KiB is split, and only its last piece ends in a line break, so a piece without one is partial.
 * A line that is not one is kept whole as a full stdout line without a time, as CRI's are.
 */
final class DockerJsonLines {

  private final JsonMapper mapper;

  DockerJsonLines(JsonMapper mapper) {
    this.mapper = mapper;
  }

  LogLine parse(String text, long offset, long end) {
    String log = null;
    String stream = null;
    Instant time = null;
    try (JsonParser parser = mapper.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return LogLine.malformed(text, offset, end);
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value != JsonToken.VALUE_STRING) {
          parser.skipChildren();
          continue;
        }
        switch (name) {
          case "log" -> log = parser.getString();
          case "stream" -> stream = parser.getString();
          case "time" -> time = Instant.parse(parser.getString());
          default -> {}
        }
      }
    } catch (JacksonException | DateTimeParseException e) {
      return LogLine.malformed(text, offset, end);
    }
    if (log == null || time == null || !("stdout".equals(stream) || "stderr".equals(stream))) {
      return LogLine.malformed(text, offset, end);
    }
    boolean partial = !log.endsWith("\n");
    String message = partial ? log : log.substring(0, log.length() - 1);
    return new LogLine(time, stream, partial, message, offset, end);
  }
}
