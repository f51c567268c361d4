package io.containercloud.build.executor.local;

import io.containercloud.build.executor.BuildFailure;
import io.containercloud.build.executor.ProjectCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A registry login for buildah, podman and skopeo: a containers auth file readable by the service
 * alone, so the secret never appears on a command line (where any process could read it), and never
 * inside the build's context.
 */
final class RegistryLogin {

  private final Path file;

  private RegistryLogin(Path file) {
    this.file = file;
  }

  /** A login to {@code registry} as {@code credentials} in {@code dir}, or none without them. */
  static RegistryLogin write(
      Path dir, String registry, Optional<ProjectCredentials.Login> credentials)
      throws BuildFailure {
    if (credentials.isEmpty()) {
      return new RegistryLogin(null);
    }
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (credentials.get().username() + ":" + credentials.get().password())
                    .getBytes(StandardCharsets.UTF_8));
    try {
      Files.createDirectories(dir);
      Path file =
          Files.createTempFile(
              dir,
              "auth",
              ".json",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
      return new RegistryLogin(file);
    } catch (IOException e) {
      throw new BuildFailure("could not write the registry login: " + e.getMessage());
    }
  }

  /** {@code argv} with the login's {@code --authfile} after its first {@code words} words. */
  List<String> into(List<String> argv, int words) {
    if (file == null) {
      return argv;
    }
    List<String> with = new ArrayList<>(argv.subList(0, words));
    with.add("--authfile");
    with.add(file.toString());
    with.addAll(argv.subList(words, argv.size()));
    return with;
  }

  void delete() {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the workspace it lies in goes with the build
      }
    }
  }
}
