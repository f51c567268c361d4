package io.containercloud.dns.zone;

/**
 * The record sets of a zone, as far as unregistering the zone needs them. Implemented where record
 * sets live ({@code record}), which depends on zones and not the other way round.
 */
public interface ZoneRecordSets {

  /**
   * Removes every set of the zone from the platform's state, in the caller's transaction, and
   * announces each as deleted; BIND is not touched. Returns how many sets there were.
   */
  int removeAll(String zone);
}
