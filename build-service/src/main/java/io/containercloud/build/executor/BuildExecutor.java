package io.containercloud.build.executor;

import io.containercloud.build.configuration.model.Toolchain;

/**
 * Runs the steps of one build (clone, compile, image, push) where builds run: containers on this
 * host ({@code local}) or a Job in a cluster ({@code kubernetes}). Both report through the same
 * {@link BuildContext}, so a build's status, steps and log look alike whichever ran it.
 */
public interface BuildExecutor {

  /** {@code local} or {@code kubernetes}: stored with each build. */
  String name();

  /** Whether it builds code of this toolchain (a build of another is refused when asked for). */
  boolean supports(Toolchain toolchain);

  /**
   * Runs the build to its end.
   *
   * @return the pushed image's manifest digest
   * @throws BuildFailure when a step failed: the build fails with its reason
   * @throws InterruptedException when the build was cancelled or the service is stopping
   */
  String run(BuildJob job, BuildContext context) throws BuildFailure, InterruptedException;

  /**
   * Removes what a build left behind when the service stopped while it ran (its workspace, its
   * Job), once it has been marked interrupted.
   */
  void discard(long id, String tenant);
}
