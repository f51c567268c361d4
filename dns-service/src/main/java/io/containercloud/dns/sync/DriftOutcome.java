package io.containercloud.dns.sync;

/** What one drift check of a zone came to. */
public sealed interface DriftOutcome {

  /** The zone was read from BIND and compared; repairs, if any, are queued. */
  record Compared(DriftReport report) implements DriftOutcome {}

  /**
   * BIND answered but would not transfer the zone (for example NOTAUTH for a zone it does not
   * serve): nothing was compared or queued.
   */
  record TransferRefused(String rcode, String reason) implements DriftOutcome {}

  /** BIND did not answer: nothing was compared or queued. */
  record BindUnreachable(String reason) implements DriftOutcome {}
}
