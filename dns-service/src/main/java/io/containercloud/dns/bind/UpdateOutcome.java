package io.containercloud.dns.bind;

/** What BIND made of one dynamic update message. */
public sealed interface UpdateOutcome {

  /** Every change in the message took effect. */
  record Applied() implements UpdateOutcome {}

  /** A prerequisite failed (the set changed outside the platform); nothing took effect. */
  record PrerequisiteFailed(String rcode) implements UpdateOutcome {}

  /** BIND answered but refused (for example a wrong TSIG key); nothing took effect. */
  record Rejected(String reason) implements UpdateOutcome {}

  /** BIND did not answer; nothing is known to have taken effect. */
  record Unreachable(String reason) implements UpdateOutcome {}
}
