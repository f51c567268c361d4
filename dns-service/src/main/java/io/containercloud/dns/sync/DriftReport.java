package io.containercloud.dns.sync;

import java.util.List;

/**
 * What a comparison of one zone with BIND found.
 *
 * @param checked record sets of the platform compared
 * @param repaired sets that differed in BIND and were queued to be set right ({@code name TYPE})
 * @param conflicts sets the platform never applied that BIND holds with other data: left alone
 * @param unmanaged sets in BIND the platform does not know (never touched)
 */
public record DriftReport(
    String zone, int checked, List<String> repaired, List<String> conflicts, int unmanaged) {}
