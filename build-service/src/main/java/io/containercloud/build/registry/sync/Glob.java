package io.containercloud.build.registry.sync;

import java.util.regex.Pattern;

/**
 * Repository and tag filters as globs, never regular expressions: {@code *} any run of characters
 * within a path segment, {@code **} any run across segments, {@code ?} one character; everything
 * else stands for itself.
 */
final class Glob {

  /** What a repository filter may hold: a repository's characters and the wildcards. */
  static final String REPOSITORIES = "[a-z0-9._/*?-]{1,255}";

  /** What a tag filter may hold. */
  static final String TAGS = "[A-Za-z0-9._*?-]{1,128}";

  private Glob() {}

  static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  static boolean matches(String glob, String value) {
    return compile(glob).matcher(value).matches();
  }
}
