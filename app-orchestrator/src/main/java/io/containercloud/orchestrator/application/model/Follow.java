package io.containercloud.orchestrator.application.model;

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
        @Pattern(
            regexp =
                "(?=.{1,255}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
                    + "(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*){2,}",
            message =
                "must be a registry host and a repository in a project, without tag:"
                    + " registry/project/name")
        String repository,
    @NotNull @Pattern(regexp = TagPatterns.ALLOWED, message = TagPatterns.ALLOWED_MESSAGE)
        String tagPattern) {

  /** The repository's project: the first path component after the registry. */
  public String project() {
    String path = repository.substring(repository.indexOf('/') + 1);
    return path.substring(0, path.indexOf('/'));
  }

  /** Whether a push of {@code tag} to {@code registryAndRepository} concerns this service. */
  public boolean matches(String registryAndRepository, String tag) {
    return repository.equals(registryAndRepository) && TagPatterns.matches(tagPattern, tag);
  }
}
