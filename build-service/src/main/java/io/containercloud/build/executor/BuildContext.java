package io.containercloud.build.executor;

/** How an executor reports on the build it runs. */
public interface BuildContext {

  /** A step begins: {@code clone}, {@code compile}, {@code image} or {@code push}. */
  void stepStarted(String step);

  /** The step ended, well or not. */
  void stepFinished(String step, boolean succeeded);

  /** A line of output, kept in the build's log and shown to those following it. */
  void log(String line);

  /** The commit the ref resolved to, and the image reference (with its tag) it will be. */
  void resolved(String commit, String image);

  /** Whether someone asked to cancel the build. */
  boolean cancelRequested();
}
