package io.containercloud.nginxmgr.store;

import java.util.List;

/**
 * Where a server or upstream stands on the cluster's nginx hosts.
 *
 * @param state {@code applied} (every live agent serves this revision), {@code pending} (some agent
 *     has not applied it yet), {@code rejected} (some agent left it out) or {@code no-agents}
 * @param reason why it was rejected, as the agent said it
 * @param hosts the agents that rejected it, or that have not applied it yet
 */
public record ObjectStatus(String state, String reason, List<String> hosts) {

  /** Looks statuses up from one read of a cluster's agent reports. */
  public interface Lookup {

    /** The statuses of {@code cluster}'s objects as its agents report them now. */
    ForCluster of(String cluster);

    /**
     * The status of an object's revision just written: no agent can have applied it yet, so it is
     * pending on every live agent (as known a moment ago), or there is none.
     */
    ObjectStatus justWritten(String cluster);
  }

  /** The statuses of one cluster's objects. */
  public interface ForCluster {
    ObjectStatus of(String kind, String name, long revision);
  }
}
