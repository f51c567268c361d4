package io.containercloud.dns.bind;

import java.util.List;

/** What a zone transfer (AXFR over TSIG) brought. */
public sealed interface TransferOutcome {

  /** The zone's managed record sets as BIND holds them now. */
  record Transferred(List<ObservedRRset> sets) implements TransferOutcome {}

  /**
   * BIND answered but refused the transfer (not authoritative, transfers not allowed for the key, a
   * bad TSIG signature).
   *
   * @param rcode the response code ({@code NOTAUTH}, {@code REFUSED}, ...), or what failed when
   *     there is none, such as {@code TSIG BADSIG}
   */
  record Refused(String rcode, String reason) implements TransferOutcome {}

  /** BIND did not answer (or the connection broke off). */
  record Unreachable(String reason) implements TransferOutcome {}
}
