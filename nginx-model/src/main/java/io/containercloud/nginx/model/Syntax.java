package io.containercloud.nginx.model;

/**
 * The allow-lists every string bound for an nginx config passes first. Each admits only characters
 * that cannot end a directive, open or close a block, start a comment, expand a variable or quote:
 * no {@code ; { } # $ " ' \}, whitespace or non-ASCII anywhere, lengths bounded.
 */
public final class Syntax {

  private Syntax() {}

  /** Object names (clusters, servers, upstreams, namespaces): an RFC 1123 label. */
  public static final String NAME = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

  public static final String NAME_MESSAGE = "must be a lowercase RFC 1123 label (a-z, 0-9, -)";

  private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

  /** A server name: an RFC 1123 host name, optionally with a leading {@code *.}. */
  public static final String SERVER_NAME = "(\\*\\.)?" + LABEL + "(\\." + LABEL + ")*";

  public static final String SERVER_NAME_MESSAGE =
      "must be an RFC 1123 host name, optionally starting with *.";

  /** A backend host: a host name, an IPv4 address or an IPv6 address. */
  public static final String HOST =
      LABEL + "(\\." + LABEL + ")*" + "|(\\d{1,3}\\.){3}\\d{1,3}" + "|[0-9A-Fa-f:]{2,39}";

  public static final String HOST_MESSAGE = "must be a host name or an IP address";

  /** A location path: absolute, URL path characters only. */
  public static final String PATH = "/[A-Za-z0-9._~/-]{0,255}";

  public static final String PATH_MESSAGE = "must be an absolute path of A-Z a-z 0-9 . _ ~ / -";

  /** An nginx time: a number and a unit. */
  public static final String DURATION = "\\d{1,5}(ms|s|m)";

  public static final String DURATION_MESSAGE = "must be a duration such as 500ms, 5s or 1m";

  /** An nginx size: a number and an optional unit. */
  public static final String SIZE = "\\d{1,6}[kKmM]?";

  public static final String SIZE_MESSAGE = "must be a size such as 512k or 10m";

  /** A request header name. */
  public static final String HEADER_NAME = "[A-Za-z0-9][A-Za-z0-9-]{0,63}";

  public static final String HEADER_NAME_MESSAGE = "must be a header name (A-Z a-z 0-9 -)";

  /**
   * A header value: one of the variables nginx offers for proxying, or plain text (rendered
   * quoted).
   */
  public static final String HEADER_VALUE =
      "\\$(host|remote_addr|proxy_add_x_forwarded_for|scheme|request_id|http_upgrade|server_name)"
          + "|[A-Za-z0-9 ._:/,=+-]{0,256}";

  public static final String HEADER_VALUE_MESSAGE =
      "must be $host, $remote_addr, $proxy_add_x_forwarded_for, $scheme, $request_id,"
          + " $http_upgrade, $server_name or text of A-Z a-z 0-9 space . _ : / , = + -";

  /** An nginx version. */
  public static final String VERSION = "\\d{1,3}\\.\\d{1,3}(\\.\\d{1,3})?";

  public static final String VERSION_MESSAGE = "must be a version such as 1.24.0";
}
