package io.containercloud.build.executor.local;

import io.containercloud.build.executor.BuildContext;
import io.containercloud.build.executor.BuildFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One program run for a build: an argument vector (never a shell string), its output line by line
 * into the build's log, stopped when the build is cancelled or out of time. A program that runs a
 * container is stopped by killing the container by name ({@code stopCommand}), not only its client.
 */
final class Command {

  private static final ScheduledExecutorService WATCH =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "build-command-watch");
            thread.setDaemon(true);
            return thread;
          });

  private final List<String> argv;
  private List<String> stopCommand = List.of();
  private Path directory;
  private boolean logged = true;

  Command(List<String> argv) {
    this.argv = List.copyOf(argv);
  }

  /** How to stop what the program started when the build is cancelled or out of time. */
  Command stoppedBy(List<String> stopCommand) {
    this.stopCommand = List.copyOf(stopCommand);
    return this;
  }

  Command in(Path directory) {
    this.directory = directory;
    return this;
  }

  /** Keeps the output out of the build's log (the platform's own preparations). */
  Command quiet() {
    this.logged = false;
    return this;
  }

  /**
   * Runs it to its end; returns its output's last lines (at most 50).
   *
   * @throws BuildFailure when it exits with another status than 0, naming {@code what}
   * @throws InterruptedException when the build was cancelled or ran out of time
   */
  List<String> run(String what, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new BuildFailure(what + " could not start: " + e.getMessage());
    }
    AtomicBoolean stopped = new AtomicBoolean();
    AtomicBoolean timedOut = new AtomicBoolean();
    var watch =
        WATCH.scheduleWithFixedDelay(
            () -> {
              boolean late = Instant.now().isAfter(deadline);
              if (process.isAlive() && (late || context.cancelRequested())) {
                timedOut.set(late);
                if (stopped.compareAndSet(false, true)) {
                  stop(process);
                }
              }
            },
            500,
            500,
            TimeUnit.MILLISECONDS);
    List<String> tail = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (logged) {
          context.log(line);
        }
        tail.add(line);
        if (tail.size() > 50) {
          tail.remove(0);
        }
      }
      int status = process.waitFor();
      stoppedOr(what, stopped.get(), timedOut.get());
      if (status != 0) {
        if (!logged) {
          // a preparation kept out of the log says why it failed after all
          context.log("[platform] " + what + " failed; its last lines:");
          tail.subList(Math.max(0, tail.size() - 15), tail.size())
              .forEach(line -> context.log("  " + line));
        }
        throw new BuildFailure(what + " failed with exit status " + status);
      }
      return tail;
    } catch (IOException e) {
      // a stopped program's output closes under its reader
      stoppedOr(what, stopped.get(), timedOut.get());
      throw new BuildFailure(what + ": its output could not be read: " + e.getMessage());
    } catch (InterruptedException e) {
      if (stopped.compareAndSet(false, true)) {
        stop(process);
      }
      throw e;
    } finally {
      watch.cancel(false);
    }
  }

  private static void stoppedOr(String what, boolean stopped, boolean timedOut)
      throws BuildFailure, InterruptedException {
    if (timedOut) {
      throw new BuildFailure(what + " did not end within the build's timeout");
    }
    if (stopped) {
      throw new InterruptedException(what + " stopped: the build was cancelled");
    }
  }

  private void stop(Process process) {
    if (!stopCommand.isEmpty()) {
      try {
        new ProcessBuilder(stopCommand)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor(30, TimeUnit.SECONDS);
      } catch (IOException e) {
        // the client is destroyed below either way
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
