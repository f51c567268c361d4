package io.containercloud.nginxmgr.store;

import io.containercloud.common.error.ProblemException;

/** Mod revisions as entity tags: sent as {@code ETag}, required back as {@code If-Match}. */
public final class Versions {

  private Versions() {}

  public static String etag(long revision) {
    return "\"" + revision + "\"";
  }

  /** The revision an {@code If-Match} names: 428 when absent, 400 when not one of ours. */
  public static long required(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      throw ProblemException.preconditionRequired(
          "Send If-Match with the ETag of the version you read, so no one's change is lost.");
    }
    String value = ifMatch.replace("W/", "").replace("\"", "").trim();
    if (!value.matches("\\d{1,18}")) {
      throw ProblemException.invalid("If-Match", "must be an ETag this API returned");
    }
    return Long.parseLong(value);
  }
}
