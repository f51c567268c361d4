package io.containercloud.dns.bind;

import java.util.Locale;

/** What BIND answered when asked whether it can hold a zone for the platform. */
public sealed interface ZoneCheck {

  /** What the platform needs of a zone's server, in the order it is asked. */
  enum Step {
    /** It answers the zone's SOA query with the AA flag, for exactly that zone. */
    AUTHORITATIVE,
    /** It accepts a dynamic update signed with the zone's TSIG key. */
    UPDATE,
    /** It allows a zone transfer (AXFR) signed with that key. */
    TRANSFER;

    /** The step as the API names it: {@code authoritative}, {@code update}, {@code transfer}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Every step passed: the platform can manage the zone there. */
  record Passed() implements ZoneCheck {}

  /**
   * BIND answered a step, but not as the platform needs.
   *
   * @param rcode the response code BIND answered ({@code REFUSED}, {@code NOTAUTH}, ...); for a
   *     transfer that failed without one (a bad TSIG signature), what failed instead
   * @param reason what BIND answered, in words
   */
  record Failed(Step step, String rcode, String reason) implements ZoneCheck {}

  /** BIND did not answer a step. */
  record Unreachable(Step step, String reason) implements ZoneCheck {}
}
