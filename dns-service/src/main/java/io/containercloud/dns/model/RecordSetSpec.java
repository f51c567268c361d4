package io.containercloud.dns.model;

import io.containercloud.common.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A validated desired record set: one name and type in a zone, its TTL and its values in canonical,
 * sorted form. Only {@link #validate} builds one, so holding one means every field passed the
 * allow-lists.
 */
public record RecordSetSpec(
    String zone, String name, RecordType type, int ttl, List<String> values) {

  public static final int MIN_TTL = 30;
  public static final int MAX_TTL = 86_400;
  public static final int MAX_VALUES = 100;

  /** The outcome of validation: a spec, or the fields that failed. */
  public sealed interface Result {
    record Valid(RecordSetSpec spec) implements Result {}

    record Invalid(List<FieldViolation> violations) implements Result {}
  }

  /**
   * Checks a request against a zone. {@code name} is absolute (trailing dot optional) and must lie
   * in the zone; {@code ttl} null means the zone's default.
   */
  public static Result validate(
      String zone, int zoneDefaultTtl, String name, String type, Integer ttl, List<String> values) {
    List<FieldViolation> violations = new ArrayList<>();
    Optional<RecordType> recordType = parseType(type);
    if (recordType.isEmpty()) {
      violations.add(new FieldViolation("type", "must be one of A, AAAA, CNAME, TXT, SRV"));
    }
    String normalized = null;
    Optional<String> nameProblem = DnsName.problem(name, DnsName.Labels.OWNER);
    if (nameProblem.isPresent()) {
      violations.add(new FieldViolation("name", nameProblem.get()));
    } else {
      normalized = DnsName.normalize(name);
    }
    int effectiveTtl = ttl == null ? zoneDefaultTtl : ttl;
    if (effectiveTtl < MIN_TTL || effectiveTtl > MAX_TTL) {
      violations.add(
          new FieldViolation("ttl", "must be " + MIN_TTL + " to " + MAX_TTL + " seconds"));
    }
    List<String> canonical =
        recordType.map(t -> checkValues(t, values, violations)).orElse(List.of());
    if (!violations.isEmpty()) {
      return new Result.Invalid(violations);
    }
    if (recordType.get() == RecordType.CNAME && normalized.equals(zone)) {
      return new Result.Invalid(
          List.of(new FieldViolation("name", "a CNAME cannot stand at the zone apex")));
    }
    return new Result.Valid(
        new RecordSetSpec(zone, normalized, recordType.get(), effectiveTtl, canonical));
  }

  /**
   * The fields of a change to a stored set that would change what the set is: its name and type,
   * which a change never alters. Each that differs is named rather than ignored; a field left out
   * or repeated unchanged (in any letter case, the name with or without its final dot) is fine.
   */
  public static List<FieldViolation> identityChanges(
      String name, RecordType type, String requestedName, String requestedType) {
    List<FieldViolation> violations = new ArrayList<>();
    if (requestedName != null && !DnsName.normalize(requestedName).equals(name)) {
      violations.add(
          new FieldViolation(
              "name", "cannot change (the set is " + name + "); create a set for the new name"));
    }
    if (requestedType != null && !requestedType.toUpperCase(Locale.ROOT).equals(type.name())) {
      violations.add(
          new FieldViolation(
              "type", "cannot change (the set is " + type + "); create a set of the new type"));
    }
    return violations;
  }

  private static List<String> checkValues(
      RecordType type, List<String> values, List<FieldViolation> violations) {
    if (values == null || values.isEmpty() || values.size() > MAX_VALUES) {
      violations.add(new FieldViolation("values", "must hold 1 to " + MAX_VALUES + " values"));
      return List.of();
    }
    if (type == RecordType.CNAME && values.size() > 1) {
      violations.add(new FieldViolation("values", "a CNAME has exactly one value"));
      return List.of();
    }
    TreeSet<String> canonical = new TreeSet<>();
    for (int i = 0; i < values.size(); i++) {
      Optional<String> problem = type.check(values.get(i));
      if (problem.isPresent()) {
        violations.add(new FieldViolation("values[" + i + "]", problem.get()));
      } else {
        canonical.add(type.canonical(values.get(i)));
      }
    }
    return List.copyOf(canonical);
  }

  private static Optional<RecordType> parseType(String type) {
    if (type == null) {
      return Optional.empty();
    }
    for (RecordType t : RecordType.values()) {
      if (t.name().equals(type.toUpperCase(Locale.ROOT))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
