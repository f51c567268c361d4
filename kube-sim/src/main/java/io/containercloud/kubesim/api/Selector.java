package io.containercloud.kubesim.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * The {@code labelSelector} and {@code fieldSelector} of a list, watch or collection delete, as
 * kube-apiserver reads them: label requirements {@code k=v}, {@code k==v}, {@code k!=v}, {@code k
 * in (a,b)}, {@code k notin (a,b)}, {@code k} and {@code !k}; field requirements {@code path=v},
 * {@code path==v} and {@code path!=v} on any field path ({@code metadata.name}, {@code
 * spec.nodeName}, {@code status.phase}...). All requirements must hold.
 */
final class Selector implements Predicate<JsonNode> {

  static final Selector ALL = new Selector(List.of());

  private final List<Predicate<JsonNode>> requirements;

  private Selector(List<Predicate<JsonNode>> requirements) {
    this.requirements = requirements;
  }

  static Selector of(String labels, String fields) {
    List<Predicate<JsonNode>> requirements = new ArrayList<>();
    if (labels != null && !labels.isBlank()) {
      for (String requirement : split(labels)) {
        requirements.add(label(requirement.trim()));
      }
    }
    if (fields != null && !fields.isBlank()) {
      for (String requirement : split(fields)) {
        requirements.add(field(requirement.trim()));
      }
    }
    return requirements.isEmpty() ? ALL : new Selector(List.copyOf(requirements));
  }

  @Override
  public boolean test(JsonNode object) {
    for (Predicate<JsonNode> requirement : requirements) {
      if (!requirement.test(object)) {
        return false;
      }
    }
    return true;
  }

  /** The requirements, split at the commas outside parentheses. */
  private static List<String> split(String selector) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(selector.substring(start));
    return parts;
  }

  private static Predicate<JsonNode> label(String requirement) {
    if (requirement.isEmpty()) {
      throw ApiException.badRequest("unable to parse requirement: empty label selector term");
    }
    String[] words = requirement.split("\\s+", 3);
    if (words.length >= 2 && (words[1].equals("in") || words[1].equals("notin"))) {
      String key = label(words[0], requirement);
      String rest = requirement.substring(requirement.indexOf(words[1]) + words[1].length()).trim();
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw ApiException.badRequest(
            "unable to parse requirement: found '" + rest + "', expected: '('");
      }
      Set<String> values =
          new HashSet<>(List.of(trimmed(rest.substring(1, rest.length() - 1).split(","))));
      boolean in = words[1].equals("in");
      return object -> {
        String value = labelValue(object, key);
        return in
            ? value != null && values.contains(value)
            : value == null || !values.contains(value);
      };
    }
    int not = requirement.indexOf("!=");
    if (not > 0) {
      String key = label(requirement.substring(0, not), requirement);
      String value = requirement.substring(not + 2).trim();
      return object -> !value.equals(labelValue(object, key));
    }
    int equals = requirement.indexOf('=');
    if (equals > 0) {
      String key = label(requirement.substring(0, equals), requirement);
      String value =
          requirement
              .substring(requirement.startsWith("==", equals) ? equals + 2 : equals + 1)
              .trim();
      return object -> value.equals(labelValue(object, key));
    }
    if (requirement.startsWith("!")) {
      String key = label(requirement.substring(1), requirement);
      return object -> labelValue(object, key) == null;
    }
    String key = label(requirement, requirement);
    return object -> labelValue(object, key) != null;
  }

  private static String label(String key, String requirement) {
    String trimmed = key.trim();
    if (!trimmed.matches("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?")) {
      throw ApiException.badRequest(
          "unable to parse requirement: invalid label key \"" + trimmed + "\" in " + requirement);
    }
    return trimmed;
  }

  private static Predicate<JsonNode> field(String requirement) {
    int not = requirement.indexOf("!=");
    int equals = requirement.indexOf('=');
    if (equals <= 0) {
      throw ApiException.badRequest("invalid field selector: " + requirement);
    }
    boolean negated = not > 0 && not < equals;
    int keyEnd = negated ? not : equals;
    int valueStart =
        negated ? not + 2 : requirement.startsWith("==", equals) ? equals + 2 : equals + 1;
    String[] path = requirement.substring(0, keyEnd).trim().split("\\.");
    String value = requirement.substring(valueStart).trim();
    return object -> {
      JsonNode node = object;
      for (String step : path) {
        node = node.path(step);
      }
      String actual = node.isValueNode() ? node.asString() : "";
      return negated != value.equals(actual);
    };
  }

  private static String labelValue(JsonNode object, String key) {
    JsonNode value = object.path("metadata").path("labels").get(key);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static String[] trimmed(String[] values) {
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i].trim();
    }
    return out;
  }
}
