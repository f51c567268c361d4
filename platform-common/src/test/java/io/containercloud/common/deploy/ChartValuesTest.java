package io.containercloud.common.deploy;

import static io.containercloud.common.deploy.ProjectFiles.map;
import static io.containercloud.common.deploy.ProjectFiles.read;
import static io.containercloud.common.deploy.ProjectFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart's values, its schema and its README's table say the same: every value has a schema
 * entry with a description (the schema refuses any other), and the table lists each with its
 * default.
 */
class ChartValuesTest {

  private static final String CHART = "helm/container-cloud/";
  private static final String START = "<!-- values table: generated from values.schema.json -->";
  private static final String END = "<!-- end of values table -->";

  @Test
  void everyValueHasADescribedSchemaEntryAndEveryObjectRefusesOthers() {
    Map<String, Object> schema = yaml(CHART + "values.schema.json");
    assertThat(schema.get("$schema")).isEqualTo("http://json-schema.org/draft-07/schema#");
    List<String> missing = new ArrayList<>();
    walk("", yaml(CHART + "values.yaml"), schema, missing);
    assertThat(missing).as("values without a described schema entry").isEmpty();
  }

  @Test
  void theReadmeTableListsEverySchemaLeafWithItsDefault() {
    String readme = read(CHART + "README.md");
    assertThat(readme).contains(START).contains(END);
    String table = readme.substring(readme.indexOf(START) + START.length(), readme.indexOf(END));
    String expected = table(yaml(CHART + "values.schema.json"), yaml(CHART + "values.yaml"));
    assertThat(table.strip()).as("the table to paste into the README").isEqualTo(expected.strip());
  }

  private static void walk(
      String path, Map<String, Object> values, Map<String, Object> schema, List<String> missing) {
    if (schema.containsKey("properties")) {
      assertThat(schema.get("additionalProperties"))
          .as("additionalProperties of %s", path)
          .isEqualTo(false);
    }
    Map<String, Object> properties = map(schema, "properties");
    values.forEach(
        (key, value) -> {
          String name = path.isEmpty() ? key : path + "." + key;
          Map<String, Object> entry = map(properties, key);
          if (entry.isEmpty() || String.valueOf(entry.getOrDefault("description", "")).isBlank()) {
            missing.add(name);
          } else if (entry.containsKey("properties")) {
            walk(name, asMap(value), entry, missing);
          }
        });
  }

  /**
   * A Markdown table row per schema leaf (and per resources object): value, default, description.
   */
  private static String table(Map<String, Object> schema, Map<String, Object> values) {
    List<String> rows = new ArrayList<>();
    rows.add("| value | default | description |");
    rows.add("|---|---|---|");
    rows(schema, values, "", rows);
    return String.join("\n", rows);
  }

  private static void rows(
      Map<String, Object> schema, Map<String, Object> values, String path, List<String> rows) {
    map(schema, "properties")
        .forEach(
            (key, raw) -> {
              Map<String, Object> entry = asMap(raw);
              String name = path.isEmpty() ? key : path + "." + key;
              Object value = values.get(key);
              // a container's resources read best as Kubernetes writes them: one row
              if (entry.containsKey("properties") && !key.equals("resources")) {
                rows(entry, value == null ? Map.of() : asMap(value), name, rows);
              } else {
                rows.add(
                    "| `" + name + "` | " + shown(value) + " | " + entry.get("description") + " |");
              }
            });
  }

  private static String shown(Object value) {
    return value == null ? "" : "`" + inline(value) + "`";
  }

  private static String inline(Object value) {
    if (value instanceof Map<?, ?> m) {
      return m.entrySet().stream()
          .map(e -> e.getKey() + ": " + inline(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : Map.of();
  }
}
