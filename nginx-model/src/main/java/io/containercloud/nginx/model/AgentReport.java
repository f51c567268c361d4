package io.containercloud.nginx.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an nginx-agent writes under its lease at {@code /nginx/v1/agents/<cluster>/<host>}; the key
 * disappears when the agent stops renewing the lease.
 *
 * @param host the agent's host id
 * @param appliedRevision the etcd revision of the configuration nginx serves
 * @param appliedAt when the agent last found nginx serving that revision
 * @param reloadedAt when the agent last reloaded nginx (a revision that renders the same text needs
 *     no reload)
 * @param nginxVersion what {@code nginx -v} said
 * @param lastError the last failure (for example {@code nginx -t} output), or null
 * @param warnings what the operator should know of the applied configuration (objects left out,
 *     upstreams without members)
 * @param health per upstream, per member ({@code host:port}): {@code up}, {@code down}, or {@code
 *     unresolved} (a host name that does not resolve, left out of the configuration)
 * @param rejected the objects left out of the applied revision because nginx refused them (found by
 *     bisection), so that everything else is served
 * @param mode {@code dynamic} (members pushed to nginx's Lua balancer, reloads only for structural
 *     changes) or {@code reload} (every change reloads), with why in {@code warnings} when the
 *     agent could not run dynamic
 * @param structuralRevision the revision of the configuration file nginx last loaded
 * @param pushedVersion the version of the last upstream state pushed to the Lua balancer (0: none)
 */
public record AgentReport(
    String host,
    long appliedRevision,
    Instant appliedAt,
    Instant reloadedAt,
    String nginxVersion,
    String lastError,
    List<String> warnings,
    Map<String, Map<String, String>> health,
    List<Rejection> rejected,
    @JsonInclude(JsonInclude.Include.NON_NULL) String mode,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long structuralRevision,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long pushedVersion) {

  public AgentReport {
    rejected = rejected == null ? List.of() : List.copyOf(rejected);
  }

  /**
   * An object the agent left out.
   *
   * @param kind {@code server} or {@code upstream}
   * @param name its name
   * @param tenant its tenant
   * @param revision the etcd revision of the object that was refused
   * @param reason what nginx (or the agent) said
   */
  public record Rejection(String kind, String name, String tenant, long revision, String reason) {}
}
