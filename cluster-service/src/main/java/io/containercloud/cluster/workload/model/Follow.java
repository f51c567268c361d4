package io.containercloud.cluster.workload.model;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An image a workload follows: a push to {@code repository} of a tag matching {@code tagPattern}
 * (an {@code image.pushed} event from build-service) rolls the workload to that push's digest.
 *
 * @param repository the registry's host (and port) and the repository, without tag: {@code
 *     registry.room-a.example/acme/orders}
 * @param tagPattern a tag, or a glob of one: {@code *} stands for any run of characters, {@code ?}
 *     for one ({@code v*}, {@code main-*})
 */
public record Follow(
    @NotNull @Pattern(regexp = Follow.REPOSITORY, message = Follow.REPOSITORY_MESSAGE)
        String repository,
    @NotNull
        @Pattern(
            regexp = "[A-Za-z0-9_.*?-]{1,128}",
            message = "must be a tag or a glob of one (letters, digits, '_', '.', '-', '*', '?')")
        String tagPattern) {

  static final String REPOSITORY =
      "(?=.{1,255}$)"
          + "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?"
          + "(/[a-z0-9]+([._-][a-z0-9]+)*){2,}";

  static final String REPOSITORY_MESSAGE =
      "must be a registry host and a repository in a project, without tag: registry/project/name";

  /** The project: the repository's first path component after the registry, a tenant's. */
  public String project() {
    String path = repository.substring(repository.indexOf('/') + 1);
    return path.substring(0, path.indexOf('/'));
  }

  /**
   * Whether a push of {@code tag} to {@code registryAndRepository} ({@code
   * <registry>/<repository>}) concerns this workload.
   */
  public boolean matches(String registryAndRepository, String tag) {
    return repository.equals(registryAndRepository) && glob(tagPattern, tag);
  }

  // linear wildcard matching, no regular expression built from user input
  private static boolean glob(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < text.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        resume = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
