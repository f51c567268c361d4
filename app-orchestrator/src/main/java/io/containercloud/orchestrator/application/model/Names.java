package io.containercloud.orchestrator.application.model;

/** Allow-lists of names, the same as cluster-service's for what becomes a workload. */
public final class Names {

  /** An RFC 1123 label: what namespaces, workloads and services are named by. */
  public static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  public static final String LABEL_MESSAGE =
      "must be a lowercase RFC 1123 label (letters, digits, '-', at most 63)";

  /** The longest a workload name may be: an RFC 1123 label. */
  public static final int MAX_WORKLOAD_NAME = 63;

  private Names() {}

  /** The workload that runs {@code service} of {@code application}. */
  public static String workload(String application, String service) {
    return application + "-" + service;
  }
}
