package io.containercloud.build.executor;

/** A build step failed; the message says which and why, for the build's status. */
public class BuildFailure extends Exception {

  public BuildFailure(String message) {
    super(message);
  }
}
