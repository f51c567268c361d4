package io.containercloud.orchestrator.application.model;

import io.containercloud.common.event.contract.ImageRepositories;
import io.containercloud.common.event.contract.TagPatterns;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The image whose pushes upgrade a service: a push of a tag matching {@code tagPattern} to {@code
 * repository} ({@code <registry>/<project>/<name>}, the project the tenant's) starts an upgrade of
 * that service to the pushed digest.
 */
public record Follow(
    @NotNull
        @Pattern(regexp = ImageRepositories.ALLOWED, message = ImageRepositories.ALLOWED_MESSAGE)
        String repository,
    @NotNull @Pattern(regexp = TagPatterns.ALLOWED, message = TagPatterns.ALLOWED_MESSAGE)
        String tagPattern) {

  /** The repository's project: the first path component after the registry. */
  public String project() {
    return ImageRepositories.project(repository);
  }

  /** Whether a push of {@code tag} to {@code registryAndRepository} concerns this service. */
  public boolean matches(String registryAndRepository, String tag) {
    return repository.equals(registryAndRepository) && TagPatterns.matches(tagPattern, tag);
  }
}
