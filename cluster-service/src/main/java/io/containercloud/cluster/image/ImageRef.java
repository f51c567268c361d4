package io.containercloud.cluster.image;

/**
 * An image reference a workload's checks accepted, in its parts: {@code
 * [host[:port]/]repository[:tag][@digest]}. The first path component is a host when it looks like
 * one (a dot, a port or {@code localhost}), as container runtimes read it.
 *
 * @param host the registry host with its port, or null for the runtime's default registry
 * @param digest {@code sha256:...}, or null when the reference names a tag only
 */
record ImageRef(String host, String repository, String tag, String digest) {

  static ImageRef parse(String image) {
    String rest = image;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String host = null;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        host = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    return new ImageRef(host, rest, tag, digest);
  }

  /** The same image in the registry at {@code otherHost}. */
  String at(String otherHost) {
    return otherHost
        + "/"
        + repository
        + (tag == null ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }
}
