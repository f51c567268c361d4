package io.containercloud.common.event.contract;

/**
 * Tag globs of the workloads and applications that follow an image's pushes ({@code v*}, {@code
 * main-*}): {@code *} stands for any run of characters, {@code ?} for one. Matched in linear time,
 * with no regular expression built from user input.
 */
public final class TagPatterns {

  /** What a tag pattern may hold. */
  public static final String ALLOWED = "[A-Za-z0-9_.*?-]{1,128}";

  public static final String ALLOWED_MESSAGE =
      "must be a tag or a glob of one (letters, digits, '_', '.', '-', '*', '?')";

  private TagPatterns() {}

  /** Whether {@code tag} matches {@code pattern}. */
  public static boolean matches(String pattern, String tag) {
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < tag.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == tag.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        resume = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
