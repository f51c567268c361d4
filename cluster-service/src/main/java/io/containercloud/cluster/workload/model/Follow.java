package io.containercloud.cluster.workload.model;

import io.containercloud.common.event.contract.ImageRepositories;
import io.containercloud.common.event.contract.TagPatterns;
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
    @NotNull
        @Pattern(regexp = ImageRepositories.ALLOWED, message = ImageRepositories.ALLOWED_MESSAGE)
        String repository,
    @NotNull @Pattern(regexp = TagPatterns.ALLOWED, message = TagPatterns.ALLOWED_MESSAGE)
        String tagPattern) {

  /** The project: the repository's first path component after the registry, a tenant's. */
  public String project() {
    return ImageRepositories.project(repository);
  }

  /**
   * Whether a push of {@code tag} to {@code registryAndRepository} ({@code
   * <registry>/<repository>}) concerns this workload.
   */
  public boolean matches(String registryAndRepository, String tag) {
    return repository.equals(registryAndRepository) && TagPatterns.matches(tagPattern, tag);
  }
}
