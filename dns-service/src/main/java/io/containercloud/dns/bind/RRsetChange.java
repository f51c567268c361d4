package io.containercloud.dns.bind;

import io.containercloud.dns.model.RecordType;
import java.util.List;

/**
 * One record set to make true in BIND, guarded by what the platform believes BIND holds.
 *
 * @param name absolute name, without the final dot
 * @param desired the values to hold; empty removes the set
 * @param expected the values BIND should hold now, or {@code null} when it should hold none; a
 *     mismatch means someone changed the set outside the platform, and BIND refuses the update
 */
public record RRsetChange(
    String name, RecordType type, int ttl, List<String> desired, List<String> expected) {}
