package io.containercloud.dns.bind;

import io.containercloud.dns.model.RecordType;
import java.util.List;

/** A record set as a zone transfer showed it, values in canonical form and sorted. */
public record ObservedRRset(String name, RecordType type, int ttl, List<String> values) {}
