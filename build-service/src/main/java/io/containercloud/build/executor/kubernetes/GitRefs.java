package io.containercloud.build.executor.kubernetes;

import io.containercloud.build.executor.BuildFailure;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/**
 * Resolves a branch or tag to its commit over git's wire protocol (what {@code git ls-remote}
 * does), so that a Job clones one known commit and its image tag is known before it starts. Nothing
 * of the repository is fetched or run on the platform's host.
 */
final class GitRefs {

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final int TIMEOUT_SECONDS = 30;

  private GitRefs() {}

  /** The commit {@code ref} names in the repository; a full commit id is taken as it is. */
  static String resolve(String url, String ref) throws BuildFailure {
    if (COMMIT.matcher(ref).matches()) {
      return ref;
    }
    Map<String, Ref> refs;
    try {
      refs =
          Git.lsRemoteRepository()
              .setRemote(url)
              .setHeads(true)
              .setTags(true)
              .setTimeout(TIMEOUT_SECONDS)
              .callAsMap();
    } catch (GitAPIException | RuntimeException e) {
      throw new BuildFailure("the repository could not be read: " + e.getMessage());
    }
    for (String name : new String[] {"refs/heads/" + ref, "refs/tags/" + ref}) {
      Ref found = refs.get(name);
      if (found != null) {
        // an annotated tag names a tag object; the build wants the commit it points at
        ObjectId commit =
            found.getPeeledObjectId() != null ? found.getPeeledObjectId() : found.getObjectId();
        return commit.name();
      }
    }
    throw new BuildFailure("the repository has no branch or tag " + ref);
  }
}
