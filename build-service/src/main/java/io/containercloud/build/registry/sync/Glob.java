package io.containercloud.build.registry.sync;

/**
 * Repository and tag filters as globs, never regular expressions: {@code *} any run of characters
 * within a path segment, {@code **} any run across segments, {@code ?} one character other than
 * {@code /}; everything else stands for itself. Matched by dynamic programming over the pattern and
 * the name (at most 255 by 255 steps), so no filter can make a match backtrack for long.
 */
final class Glob {

  /** What a repository filter may hold: a repository's characters and the wildcards. */
  static final String REPOSITORIES = "[a-z0-9._/*?-]{1,255}";

  /** What a tag filter may hold. */
  static final String TAGS = "[A-Za-z0-9._*?-]{1,128}";

  private Glob() {}

  static boolean matches(String glob, String value) {
    int n = value.length();
    // matched[j]: the glob read so far matches value's first j characters
    boolean[] matched = new boolean[n + 1];
    matched[0] = true;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      boolean[] next = new boolean[n + 1];
      if (c == '*') {
        boolean any = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
        if (any) {
          i++;
        }
        // a star extends every match so far over characters it may take
        for (int j = 0; j <= n; j++) {
          next[j] = matched[j] || (j > 0 && next[j - 1] && (any || value.charAt(j - 1) != '/'));
        }
      } else {
        for (int j = 1; j <= n; j++) {
          char v = value.charAt(j - 1);
          next[j] = matched[j - 1] && (c == '?' ? v != '/' : c == v);
        }
      }
      matched = next;
    }
    return matched[n];
  }
}
