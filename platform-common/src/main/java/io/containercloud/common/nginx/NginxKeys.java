package io.containercloud.common.nginx;

/** The etcd layout (ARCHITECTURE.md, version prefix {@code v1}). */
public final class NginxKeys {

  public static final String ROOT = "/nginx/v1/";
  public static final String CLUSTERS = ROOT + "clusters/";

  private NginxKeys() {}

  public static String cluster(String cluster) {
    return CLUSTERS + cluster;
  }

  public static String servers(String cluster) {
    return cluster(cluster) + "/servers/";
  }

  /** Touched in every transaction that changes the cluster's configuration. */
  public static String changes(String cluster) {
    return ROOT + "changes/" + cluster;
  }

  /** Where agents of the cluster report, one key per host under its lease. */
  public static String agents(String cluster) {
    return ROOT + "agents/" + cluster + "/";
  }

  /** Managed TLS certificates of the cluster (the private key sealed). */
  public static String certificates(String cluster) {
    return cluster(cluster) + "/certificates/";
  }

  public static String upstreams(String cluster) {
    return cluster(cluster) + "/upstreams/";
  }
}
