package io.containercloud.logcenter.search;

import co.elastic.clients.elasticsearch._types.FieldValue;
import io.containercloud.common.error.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the next page starts: the sort values of the last record of a page (time in nanoseconds,
 * source, offset), opaque to callers. A cursor that is not one this service wrote is a 400.
 */
record Cursor(long time, String source, long offset) {

  private static final Pattern SOURCE = Pattern.compile("[0-9a-f]{20}");

  static Cursor parse(String text) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split(":");
      if (parts.length == 3 && SOURCE.matcher(parts[1]).matches()) {
        return new Cursor(Long.parseLong(parts[0]), parts[1], Long.parseLong(parts[2]));
      }
    } catch (IllegalArgumentException e) {
      // not base64, or not numbers: refused below
    }
    throw ProblemException.invalid("cursor", "is not a cursor this service gave");
  }

  static Cursor of(List<FieldValue> sort) {
    return new Cursor(sort.get(0).longValue(), sort.get(1).stringValue(), sort.get(2).longValue());
  }

  List<FieldValue> after() {
    return List.of(FieldValue.of(time), FieldValue.of(source), FieldValue.of(offset));
  }

  String text() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((time + ":" + source + ":" + offset).getBytes(StandardCharsets.US_ASCII));
  }
}
