package io.containercloud.cluster.workload.model;

/** The allow-lists for what a workload puts into Kubernetes objects. */
public final class Names {

  /** An RFC 1123 label: Kubernetes names of namespaces, Deployments, Services. */
  public static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  public static final String LABEL_MESSAGE = "must be a lowercase RFC 1123 label (a-z, 0-9, '-')";

  /**
   * An image reference: optional registry host (and port), lowercase path components, optional tag
   * and digest. Nothing a shell or YAML could read as something else.
   */
  public static final String IMAGE =
      "(?=.{1,255}$)"
          + "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?/)?"
          + "[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*"
          + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
          + "(@sha256:[a-f0-9]{64})?";

  public static final String IMAGE_MESSAGE =
      "must be an image reference like registry/path/name:tag";

  /** Millicores or cores, no sign, no exponent. */
  public static final String CPU = "([1-9][0-9]{0,6}m|[0-9]{1,4}(\\.[0-9]{1,3})?)";

  public static final String CPU_MESSAGE = "must be a non-negative CPU amount like 500m or 2";

  /**
   * Bytes with an optional binary or decimal suffix, no sign, no exponent, and never more than a
   * signed 64-bit number of bytes (so arithmetic on it cannot overflow).
   */
  public static final String MEMORY =
      "([0-9]{1,18}|[0-9]{1,15}(Ki|k)|[0-9]{1,12}(Mi|M)|[0-9]{1,9}(Gi|G)|[0-9]{1,6}(Ti|T))";

  /** A container port name (IANA service name): lowercase, a letter somewhere, up to 15. */
  public static final String PORT_NAME = "(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?";

  public static final String MEMORY_MESSAGE =
      "must be a non-negative memory amount like 512Mi or 2Gi";

  private Names() {}
}
