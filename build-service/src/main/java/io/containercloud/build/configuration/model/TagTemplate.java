package io.containercloud.build.configuration.model;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image tag with placeholders ({@code {branch}-{shortSha}}): {@code {branch}} (the ref, with
 * characters a tag cannot hold turned into {@code -}), {@code {sha}}, {@code {shortSha}} (7
 * characters) and {@code {build}} (the build's number). What is not a placeholder is taken as it
 * is, from the tag alphabet only.
 */
public final class TagTemplate {

  public static final Set<String> PLACEHOLDERS = Set.of("branch", "sha", "shortSha", "build");

  /** What a template may hold: the tag alphabet and braces. */
  public static final String SHAPE = "[A-Za-z0-9_.{}-]{1,128}";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private TagTemplate() {}

  /** Why {@code template} cannot be used, or null when it can. */
  public static String problem(String template) {
    if (template == null || !template.matches(SHAPE)) {
      return "must be a tag with placeholders " + PLACEHOLDERS + ", like {branch}-{shortSha}";
    }
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder rest = new StringBuilder();
    while (matcher.find()) {
      if (!PLACEHOLDERS.contains(matcher.group(1))) {
        return "has an unknown placeholder {" + matcher.group(1) + "}; known: " + PLACEHOLDERS;
      }
      matcher.appendReplacement(rest, "x");
    }
    matcher.appendTail(rest);
    return rest.indexOf("{") >= 0 || rest.indexOf("}") >= 0
        ? "has an unmatched brace"
        : TAG.matcher(rest).matches() ? null : "must start with a letter, digit or '_'";
  }

  /** The tag for one build; the values are the build's, never a caller's. */
  public static String render(String template, String branch, String sha, long build) {
    Map<String, String> values =
        Map.of(
            "branch", branch.replaceAll("[^A-Za-z0-9_.-]", "-"),
            "sha", sha,
            "shortSha", sha.substring(0, Math.min(7, sha.length())),
            "build", Long.toString(build));
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder tag = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(tag, Matcher.quoteReplacement(values.get(matcher.group(1))));
    }
    matcher.appendTail(tag);
    String rendered = tag.length() > 128 ? tag.substring(0, 128) : tag.toString();
    if (!TAG.matcher(rendered).matches()) {
      throw new IllegalArgumentException("template " + template + " gives no valid tag");
    }
    return rendered;
  }
}
