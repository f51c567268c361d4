package io.containercloud.common.error;

import java.util.regex.Pattern;

/**
 * A problem's {@code instance}: the path the caller used, which behind the gateway is not the path
 * the service sees. The gateway removes {@code /api/<service>} when it routes and says so in {@code
 * X-Forwarded-Prefix} (its own value, never the client's); the service puts it back in front.
 *
 * <p>Only a prefix of the gateway's shape ({@code /api/<service name>}) is trusted: anything else
 * (a caller reaching a service directly with its own header, several values, text meant to end up
 * in someone's log or console) is ignored and the service's own path is used. So the worst a forged
 * header can do is show the right path under another service's name to the one who forged it.
 *
 * <p>Services run Spring's {@code ForwardedHeaderFilter} (platform-defaults), which hides the
 * header and moves its value into the context path; {@link #of(String, String, String)} accepts
 * both shapes, so it gives the same answer with or without that filter.
 */
public final class ProblemInstance {

  /** The header the gateway sets on every routed request. */
  public static final String PREFIX_HEADER = "X-Forwarded-Prefix";

  /** {@code /api/} and a service name as the gateway's settings allow it. */
  private static final Pattern PREFIX = Pattern.compile("/api/[a-z][a-z0-9-]{0,40}");

  private ProblemInstance() {}

  /** Whether {@code prefix} is one the gateway could have set. */
  public static boolean isTrustedPrefix(String prefix) {
    return prefix != null && PREFIX.matcher(prefix).matches();
  }

  /**
   * The caller's path: {@code prefix + path} when the prefix is trusted, else {@code path}.
   *
   * @param prefix the forwarded prefix, or {@code null}
   * @param path the path the service received, starting with {@code /}
   */
  public static String of(String prefix, String path) {
    return isTrustedPrefix(prefix) ? prefix + path : path;
  }

  /**
   * The caller's path from what a servlet request shows: its {@code X-Forwarded-Prefix} header when
   * still visible, else its context path (where {@code ForwardedHeaderFilter} moves the header's
   * value).
   *
   * @param prefixHeader the {@value #PREFIX_HEADER} header, or {@code null}
   * @param contextPath the request's context path ({@code ""} for none)
   * @param requestUri the request's URI path, context path included
   */
  public static String of(String prefixHeader, String contextPath, String requestUri) {
    String context = contextPath == null ? "" : contextPath;
    String path =
        !context.isEmpty() && requestUri.startsWith(context)
            ? requestUri.substring(context.length())
            : requestUri;
    if (path.isEmpty() || path.charAt(0) != '/') {
      path = "/" + path;
    }
    return of(prefixHeader != null ? prefixHeader : context, path);
  }
}
