package io.containercloud.nginx.model;

/**
 * The keys nginx-mgr and the agents share (ARCHITECTURE.md, version prefix {@code v1}). An agent
 * reads its cluster's document and everything under it at one revision and writes its report under
 * {@link #agents}; what nginx-mgr keeps for itself under {@link #ROOT} (outbox, idempotency keys,
 * endpoints, change markers) is nginx-mgr's alone.
 */
public final class NginxKeys {

  public static final String ROOT = "/nginx/v1/";
  public static final String CLUSTERS = ROOT + "clusters/";

  private NginxKeys() {}

  /** The cluster's settings ({@link NginxCluster}); its objects are under this key + {@code /}. */
  public static String cluster(String cluster) {
    return CLUSTERS + cluster;
  }

  /** The cluster's virtual servers ({@link VirtualServer}), one key per name. */
  public static String servers(String cluster) {
    return cluster(cluster) + "/servers/";
  }

  /** The cluster's upstreams ({@link Upstream}), one key per name. */
  public static String upstreams(String cluster) {
    return cluster(cluster) + "/upstreams/";
  }

  /** Managed TLS certificates of the cluster ({@link ManagedCertificate}, the key sealed). */
  public static String certificates(String cluster) {
    return cluster(cluster) + "/certificates/";
  }

  /** Where agents of the cluster report ({@link AgentReport}), one key per host under its lease. */
  public static String agents(String cluster) {
    return ROOT + "agents/" + cluster + "/";
  }
}
