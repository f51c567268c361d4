package io.containercloud.build.registry.rooms;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A registry's base URL, held to an allow-list: {@code http} or {@code https}, a DNS name or IPv4
 * address, an optional port, nothing else (no credentials, path, query or fragment). It ends up in
 * image references that pods pull, so nothing else may ride along.
 */
final class RegistryUrl {

  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private RegistryUrl() {}

  /** The URL as {@code scheme://host[:port]}, or null with {@link #problem} saying why. */
  static URI parse(String url) {
    return problem(url) == null ? normalize(URI.create(url)) : null;
  }

  /** Why {@code url} is refused, or null when it is a registry's base URL. */
  static String problem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "must be a URL such as https://registry.example.com:5000";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "must be an http or https URL";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not hold credentials; give them as credentials";
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.length() > 253 || !HOST.matcher(host).matches()) {
      return "must name its host as a DNS name or IPv4 address";
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      return "must have a port from 1 to 65535, or none";
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/")
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return "must be the registry's base URL, with no path, query or fragment";
    }
    return null;
  }

  private static URI normalize(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return URI.create(
        uri.getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + host
            + (uri.getPort() > 0 ? ":" + uri.getPort() : ""));
  }
}
