package io.containercloud.nginxagent.config;

import io.containercloud.common.nginx.NginxCluster;
import io.containercloud.common.nginx.Upstream;
import io.containercloud.common.nginx.VirtualServer;
import java.util.List;

/**
 * A cluster's whole configuration as etcd held it at one revision.
 *
 * @param revision the etcd revision it was read at
 * @param cluster the cluster's settings, or null when the cluster does not exist (yet)
 * @param servers its virtual servers that passed validation
 * @param upstreams its upstreams that passed validation
 * @param problems objects left out, and why
 */
public record Snapshot(
    long revision,
    NginxCluster cluster,
    List<VirtualServer> servers,
    List<Upstream> upstreams,
    List<String> problems) {}
