package io.containercloud.logcenter.search;

import io.containercloud.common.error.ProblemException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A record's id as log-agent makes it: its file's token, then its offset in base 36. */
record RecordId(String source, long offset) {

  private static final Pattern ID = Pattern.compile("([0-9a-f]{20})-([0-9a-z]{1,13})");

  static RecordId parse(String text) {
    Matcher id = ID.matcher(text);
    if (!id.matches()) {
      throw ProblemException.invalid("id", "is not a log record id");
    }
    return new RecordId(id.group(1), Long.parseLong(id.group(2), 36));
  }

  String text() {
    return source + "-" + Long.toString(offset, 36);
  }
}
