package io.containercloud.logcenter.search;

import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch._types.query_dsl.SimpleQueryStringFlag;
import co.elastic.clients.json.JsonData;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which records a caller asks for, always inside the caller's own tenant: the tenant comes from the
 * token and is both the indices searched and a filter on every query, so no filter value can reach
 * another tenant. Every value is checked against what the field can hold; the text is searched with
 * {@code simple_query_string} on the message only (words, phrases, {@code +}, {@code |}, {@code -},
 * prefixes), which never takes query DSL and never fails on its syntax.
 *
 * @param terms exact matches on keyword fields, by field name
 * @param from the earliest time, inclusive
 * @param to the latest time, exclusive
 * @param text words to find in the message, or null
 */
public record LogFilter(
    String tenant, Map<String, String> terms, Instant from, Instant to, String text) {

  /** The keyword fields a caller may filter on, as the parameters are named. */
  static final Set<String> FIELDS =
      Set.of(
          "app", "service", "cluster", "node", "namespace", "pod", "container", "stream", "level");

  private static final Set<String> PARAMETERS;

  static {
    List<String> all = new ArrayList<>(FIELDS);
    all.addAll(List.of("from", "to", "q"));
    PARAMETERS = Set.copyOf(all);
  }

  /** Kubernetes names: DNS subdomains (pods, nodes) and labels (the rest), as label values too. */
  private static final Pattern NAME =
      Pattern.compile("[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,251}[a-zA-Z0-9])?");

  private static final Set<String> STREAMS = Set.of("stdout", "stderr");
  private static final Set<String> LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
  private static final int MAX_TEXT = 512;
  static final Duration DEFAULT_SPAN = Duration.ofHours(1);
  static final Duration MAX_SPAN = Duration.ofDays(93);

  /**
   * The filter {@code values} describe for {@code tenant}; {@code extra} names further parameters
   * the caller's endpoint takes. A parameter it does not know, a value a field cannot hold or a
   * time range that is backwards or too long is a 400 naming the field.
   */
  public static LogFilter of(
      String tenant, Map<String, String> values, Set<String> extra, Instant now) {
    List<FieldViolation> violations = new ArrayList<>();
    values.keySet().stream()
        .filter(name -> !PARAMETERS.contains(name) && !extra.contains(name))
        .sorted()
        .forEach(
            name ->
                violations.add(
                    new FieldViolation(
                        name,
                        name.equals("tenant")
                            ? "the tenant is the one of your token; it cannot be chosen"
                            : "is not a filter; use one of " + sorted(PARAMETERS))));
    Map<String, String> terms = new LinkedHashMap<>();
    for (String field : sorted(FIELDS)) {
      String value = values.get(field);
      if (value == null) {
        continue;
      }
      String reason = check(field, value);
      if (reason == null) {
        terms.put(field, value);
      } else {
        violations.add(new FieldViolation(field, reason));
      }
    }
    Instant to = time(values.get("to"), "to", now, violations);
    Instant from = time(values.get("from"), "from", to.minus(DEFAULT_SPAN), violations);
    if (!from.isBefore(to)) {
      violations.add(new FieldViolation("from", "must be before to"));
    } else if (Duration.between(from, to).compareTo(MAX_SPAN) > 0) {
      violations.add(
          new FieldViolation("from", "the range may span " + MAX_SPAN.toDays() + " days at most"));
    }
    String text = values.get("q");
    if (text != null
        && (text.isBlank()
            || text.length() > MAX_TEXT
            || text.chars().anyMatch(Character::isISOControl))) {
      violations.add(
          new FieldViolation(
              "q", "must be 1 to " + MAX_TEXT + " characters without control characters"));
    }
    if (!violations.isEmpty()) {
      throw ProblemException.invalid(violations);
    }
    return new LogFilter(tenant, Map.copyOf(terms), from, to, text);
  }

  private static String check(String field, String value) {
    return switch (field) {
      case "stream" -> STREAMS.contains(value) ? null : "must be stdout or stderr";
      case "level" -> LEVELS.contains(value) ? null : "must be one of " + sorted(LEVELS);
      default ->
          NAME.matcher(value).matches()
              ? null
              : "must be a Kubernetes name (letters, digits, '-', '.', '_'; at most 253)";
    };
  }

  private static Instant time(
      String value, String field, Instant otherwise, List<FieldViolation> violations) {
    if (value == null) {
      return otherwise;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      violations.add(
          new FieldViolation(field, "must be an RFC 3339 time in UTC, e.g. 2026-12-05T10:00:00Z"));
      return otherwise;
    }
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }

  /** The tenant's indices, and only them. */
  public String indices() {
    return ContainerLogIndex.pattern(tenant);
  }

  /** The query: the tenant, every term, the time range and the text. */
  public Query query() {
    List<Query> filters = new ArrayList<>();
    filters.add(Query.of(q -> q.term(t -> t.field("tenant").value(tenant))));
    terms.forEach(
        (field, value) -> filters.add(Query.of(q -> q.term(t -> t.field(field).value(value)))));
    filters.add(
        Query.of(
            q ->
                q.range(
                    r ->
                        r.untyped(
                            u ->
                                u.field("@timestamp")
                                    .gte(JsonData.of(from.toString()))
                                    .lt(JsonData.of(to.toString()))))));
    return Query.of(
        q ->
            q.bool(
                b -> {
                  b.filter(filters);
                  if (text != null) {
                    b.must(
                        m ->
                            m.simpleQueryString(
                                s ->
                                    s.query(text)
                                        .fields("message")
                                        .defaultOperator(
                                            co.elastic.clients.elasticsearch._types.query_dsl
                                                .Operator.And)
                                        .flags(
                                            SimpleQueryStringFlag.And,
                                            SimpleQueryStringFlag.Or,
                                            SimpleQueryStringFlag.Not,
                                            SimpleQueryStringFlag.Phrase,
                                            SimpleQueryStringFlag.Prefix,
                                            SimpleQueryStringFlag.Whitespace,
                                            SimpleQueryStringFlag.Precedence,
                                            SimpleQueryStringFlag.Escape)));
                  }
                  return b;
                }));
  }
}
