package io.containercloud.kubesim.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.beans.Introspector;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side field validation ({@code fieldValidation} on a create, update or patch), which
 * kubectl and Helm ask for once the OpenAPI documents say the server takes it: {@code Strict}
 * refuses an object with a field its kind does not have (400, {@code strict decoding error}),
 * {@code Warn} stores it and answers with a {@code Warning} per field, {@code Ignore} (the default)
 * says nothing. The kinds are fabric8's model of the Kubernetes API: a field it lacks is unknown;
 * objects of other kinds (custom resources) are not checked. Duplicate fields are not detected.
 */
final class FieldValidation {

  private static final String MODEL = "io.fabric8.kubernetes.api.model";
  private static final Set<String> DIRECTIVES = Set.of("Strict", "Warn", "Ignore");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private FieldValidation() {}

  /**
   * Checks {@code object} as {@code directive} (the query parameter, may be null) asks and returns
   * the warnings to send; a {@code Strict} check that finds unknown fields throws.
   */
  static List<String> check(String directive, ObjectNode object, ResourceType type) {
    if (directive == null || directive.equals("Ignore")) {
      return List.of();
    }
    if (!DIRECTIVES.contains(directive)) {
      throw ApiException.badRequest(
          "fieldValidation: Unsupported value: \""
              + directive
              + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
    }
    if (type.kind() == null) {
      return List.of();
    }
    List<String> unknown = unknownFields(object);
    if (unknown.isEmpty()) {
      return List.of();
    }
    List<String> messages = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
    if (directive.equals("Strict")) {
      throw ApiException.badRequest(
          type.kind()
              + " in version \""
              + type.version()
              + "\" cannot be handled as a "
              + type.kind()
              + ": strict decoding error: "
              + String.join(", ", messages));
    }
    return messages;
  }

  /**
   * The paths of the fields of {@code object} that its kind does not have, as kubectl names them.
   */
  static List<String> unknownFields(ObjectNode object) {
    Object typed = SERIALIZATION.unmarshal(object.toString());
    List<String> found = new ArrayList<>();
    if (!(typed instanceof GenericKubernetesResource)) {
      walk(typed, "", found);
    }
    return found;
  }

  private static void walk(Object value, String path, List<String> found) {
    if (value instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        walk(items.get(i), path + "[" + i + "]", found);
      }
      return;
    }
    if (value instanceof Map<?, ?> entries) {
      entries.forEach((key, item) -> walk(item, path + "." + key, found));
      return;
    }
    if (value == null || !value.getClass().getName().startsWith(MODEL)) {
      return;
    }
    for (Method getter : getters(value.getClass())) {
      Object field = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (field instanceof Map<?, ?> extra) {
          extra.keySet().forEach(key -> found.add(join(path, String.valueOf(key))));
        }
      } else {
        walk(field, join(path, property(getter)), found);
      }
    }
  }

  private static List<Method> getters(Class<?> type) {
    List<Method> getters = new ArrayList<>();
    for (Method method : type.getMethods()) {
      if (method.getParameterCount() == 0
          && !Modifier.isStatic(method.getModifiers())
          && method.getName().startsWith("get")
          && !method.getName().equals("getClass")
          && (method.getName().equals("getAdditionalProperties")
              || method.isAnnotationPresent(JsonProperty.class))) {
        getters.add(method);
      }
    }
    // reflection lists methods in no set order: the message names fields the same way each time
    getters.sort(Comparator.comparing(Method::getName));
    return getters;
  }

  private static String property(Method getter) {
    String named = getter.getAnnotation(JsonProperty.class).value();
    return named.isEmpty() ? Introspector.decapitalize(getter.getName().substring(3)) : named;
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** The {@code Warning} header values for {@code messages} (RFC 7234 warn-code 299). */
  static List<String> warnings(List<String> messages) {
    return messages.stream()
        .map(m -> "299 - \"" + m.replace("\"", "\\\"") + "\"")
        .collect(Collectors.toList());
  }
}
