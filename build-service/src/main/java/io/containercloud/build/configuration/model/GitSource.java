package io.containercloud.build.configuration.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule for repository URLs: {@code https}, {@code http} or {@code git}, a host on the
 * platform's list, an optional port, a path of plain characters; no credentials, query, fragment or
 * anything git could read as an option or a transport of its own ({@code ext::}, {@code file:},
 * {@code --upload-pack}).
 */
public final class GitSource {

  private static final Set<String> SCHEMES = Set.of("https", "http", "git");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.~-]+)+/?");

  private GitSource() {}

  /** Why {@code url} may not be cloned, or null when it may. */
  public static String problem(String url, Set<String> allowedHosts) {
    if (url == null || url.length() > 512 || !url.matches("[A-Za-z0-9:/._~-]+")) {
      return "must be a plain http(s) or git URL of at most 512 characters";
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "must be a URL: " + e.getReason();
    }
    if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
      return "must use https, http or git";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not carry credentials";
    }
    if (uri.getHost() == null || !allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
      return "must be on an allowed host " + allowedHosts;
    }
    if (uri.getRawPath() == null
        || !PATH.matcher(uri.getRawPath()).matches()
        || uri.getRawPath().contains("/-")
        || uri.getRawPath().contains("/../")
        || uri.getRawPath().endsWith("/..")) {
      return "must have a repository path of letters, digits, '.', '_', '~', '-'";
    }
    return null;
  }
}
