package io.containercloud.common.event.contract;

/**
 * The image repositories workloads and applications follow: a registry host (and port) and a
 * repository in a project, without tag ({@code registry.room-a.example/acme/orders}), as {@code
 * image.pushed} names them.
 */
public final class ImageRepositories {

  /** What a followed repository may be. */
  public static final String ALLOWED =
      "(?=.{1,255}$)"
          + "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?"
          + "(/[a-z0-9]+([._-][a-z0-9]+)*){2,}";

  public static final String ALLOWED_MESSAGE =
      "must be a registry host and a repository in a project, without tag: registry/project/name";

  private ImageRepositories() {}

  /** The project: the repository's first path component after the registry, a tenant's. */
  public static String project(String repository) {
    String path = repository.substring(repository.indexOf('/') + 1);
    return path.substring(0, path.indexOf('/'));
  }
}
