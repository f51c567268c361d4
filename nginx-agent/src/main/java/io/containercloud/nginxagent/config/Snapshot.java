package io.containercloud.nginxagent.config;

import io.containercloud.nginx.model.ManagedCertificate;
import io.containercloud.nginx.model.NginxCluster;
import io.containercloud.nginx.model.Upstream;
import io.containercloud.nginx.model.VirtualServer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A cluster's whole configuration as etcd held it at one revision.
 *
 * @param revision the etcd revision it was read at
 * @param cluster the cluster's settings, or null when the cluster does not exist (yet)
 * @param servers its virtual servers that passed validation
 * @param upstreams its upstreams that passed validation
 * @param certificates its managed certificates that passed validation
 * @param revisions the etcd revision each server and upstream was last changed at, by {@link Ref}
 * @param problems objects left out, and why
 */
public record Snapshot(
    long revision,
    NginxCluster cluster,
    List<VirtualServer> servers,
    List<Upstream> upstreams,
    List<ManagedCertificate> certificates,
    Map<Ref, Long> revisions,
    List<String> problems) {

  /** A server or an upstream: what the agent can leave out when nginx refuses it. */
  public record Ref(Kind kind, String name) implements Comparable<Ref> {

    public static Ref server(String name) {
      return new Ref(Kind.SERVER, name);
    }

    public static Ref upstream(String name) {
      return new Ref(Kind.UPSTREAM, name);
    }

    @Override
    public int compareTo(Ref other) {
      int byKind = kind.compareTo(other.kind);
      return byKind != 0 ? byKind : name.compareTo(other.name);
    }

    @Override
    public String toString() {
      return kind.json() + " " + name;
    }
  }

  public enum Kind {
    UPSTREAM("upstream"),
    SERVER("server");

    private final String json;

    Kind(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }

  /** Every server and upstream, upstreams first, each in name order. */
  public List<Ref> refs() {
    List<Ref> refs = new ArrayList<>();
    upstreams.forEach(u -> refs.add(Ref.upstream(u.name())));
    servers.forEach(s -> refs.add(Ref.server(s.name())));
    return refs.stream().sorted().toList();
  }

  /** This snapshot with only the servers and upstreams in {@code kept}. */
  public Snapshot keeping(Collection<Ref> kept) {
    return new Snapshot(
        revision,
        cluster,
        servers.stream().filter(s -> kept.contains(Ref.server(s.name()))).toList(),
        upstreams.stream().filter(u -> kept.contains(Ref.upstream(u.name()))).toList(),
        certificates,
        revisions,
        problems);
  }

  /** This snapshot with these upstreams in place of its own. */
  public Snapshot withUpstreams(List<Upstream> replaced) {
    return new Snapshot(revision, cluster, servers, replaced, certificates, revisions, problems);
  }

  /** The tenant of a server or upstream, or null. */
  public String tenantOf(Ref ref) {
    return switch (ref.kind()) {
      case SERVER ->
          servers.stream()
              .filter(s -> s.name().equals(ref.name()))
              .map(VirtualServer::tenant)
              .findFirst()
              .orElse(null);
      case UPSTREAM ->
          upstreams.stream()
              .filter(u -> u.name().equals(ref.name()))
              .map(Upstream::tenant)
              .findFirst()
              .orElse(null);
    };
  }
}
