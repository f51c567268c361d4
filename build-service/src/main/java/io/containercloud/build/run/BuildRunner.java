package io.containercloud.build.run;

import io.containercloud.build.executor.BuildContext;
import io.containercloud.build.executor.BuildExecutor;
import io.containercloud.build.executor.BuildFailure;
import io.containercloud.build.executor.BuildJob;
import io.containercloud.build.executor.BuildProperties;
import io.containercloud.common.loop.BackgroundLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts queued builds as room allows (at most {@code max-parallel} on this instance, and per
 * configuration at most its {@code maxConcurrent}) and runs each through the executor, recording
 * its steps, log, outcome and events. A build this instance was running when it stopped is marked
 * {@code INTERRUPTED} when it starts again, its workspace removed: never {@code RUNNING} forever.
 */
@Component
class BuildRunner extends BackgroundLoop {

  private static final Logger log = LoggerFactory.getLogger(BuildRunner.class);

  private final BuildRepository repository;
  private final BuildLog logs;
  private final BuildEvents events;
  private final BuildExecutor executor;
  private final BuildProperties properties;
  private final TransactionTemplate tx;
  private final AtomicInteger running = new AtomicInteger();
  private ExecutorService pool;

  BuildRunner(
      BuildRepository repository,
      BuildLog logs,
      BuildEvents events,
      BuildExecutor executor,
      BuildProperties properties,
      TransactionTemplate tx) {
    super("build-runner", properties.pollInterval(), Duration.ofSeconds(1), Duration.ofSeconds(30));
    this.repository = repository;
    this.logs = logs;
    this.events = events;
    this.executor = executor;
    this.properties = properties;
    this.tx = tx;
  }

  @Override
  public void start() {
    for (Build build : repository.runningOn(properties.runner())) {
      logs.line(build.id(), "[platform] build-service stopped while this build ran: interrupted");
      logs.close(build.id());
      end(build, Build.Status.INTERRUPTED, null, "build-service stopped while it ran");
      executor.discard(build.id(), build.tenant());
    }
    // made at each start: a stop (the context closing, or paused between tests) shuts it down
    pool =
        Executors.newFixedThreadPool(
            properties.maxParallel(),
            r -> {
              Thread thread = new Thread(r, "build");
              thread.setDaemon(true);
              return thread;
            });
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    pool.shutdownNow(); // running builds are interrupted: they end INTERRUPTED
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected boolean round() {
    int room = properties.maxParallel() - running.get();
    if (room <= 0) {
      return false;
    }
    // the running counts the queue was read with do not see this round's claims: one build per
    // configuration a round, the next round (at once) sees it running
    Set<String> configurations = new HashSet<>();
    List<Long> candidates = new ArrayList<>();
    boolean more = false;
    for (Build build : repository.startable(room)) {
      if (configurations.add(build.tenant() + "/" + build.configuration())) {
        candidates.add(build.id());
      } else {
        more = true;
      }
    }
    for (long id : repository.claim(candidates, properties.runner())) {
      running.incrementAndGet();
      // the rest in the build's thread: the round claims the next at once
      pool.execute(() -> runToEnd(id));
    }
    return more;
  }

  private void runToEnd(long id) {
    Build build;
    try {
      build = repository.find(id).orElseThrow();
      tx.executeWithoutResult(
          s -> events.append(BuildEvents.Type.STARTED, build, events.data(build)));
    } catch (RuntimeException e) {
      // claimed but not begun: the next start of this instance marks it interrupted
      log.error("build {} could not begin", id, e);
      running.decrementAndGet();
      return;
    }
    Context context = new Context(build);
    try {
      String digest =
          executor.run(
              new BuildJob(
                  build.id(),
                  build.tenant(),
                  build.configuration(),
                  build.number(),
                  build.spec(),
                  properties.registry() + "/" + build.tenant() + "/" + build.spec().image()),
              context);
      context.finishStep(false);
      logs.line(build.id(), "[platform] pushed " + digest);
      end(build, Build.Status.SUCCEEDED, digest, null);
    } catch (BuildFailure failure) {
      context.finishStep(false);
      logs.line(build.id(), "[platform] failed: " + failure.getMessage());
      end(build, Build.Status.FAILED, null, failure.getMessage());
    } catch (InterruptedException e) {
      context.finishStep(false);
      boolean cancelled = repository.cancelRequested(build.id());
      logs.line(build.id(), cancelled ? "[platform] cancelled" : "[platform] interrupted");
      end(
          build,
          cancelled ? Build.Status.CANCELLED : Build.Status.INTERRUPTED,
          null,
          cancelled ? "cancelled" : "build-service stopped while it ran");
    } catch (RuntimeException e) {
      log.error("build {} failed unexpectedly", build.id(), e);
      context.finishStep(false);
      end(build, Build.Status.FAILED, null, "internal error: " + e.getMessage());
    } finally {
      logs.close(build.id());
      running.decrementAndGet();
      wake(); // its configuration may start its next build
    }
  }

  private void end(Build build, Build.Status status, String digest, String error) {
    tx.executeWithoutResult(
        s -> {
          if (repository.finish(build.id(), status, digest, error)) {
            Build ended = repository.find(build.id()).orElseThrow();
            var data = events.data(ended).put("status", status.name());
            if (ended.image() != null) {
              data.put("image", ended.image()).put("commit", ended.commitSha());
            }
            if (digest != null) {
              data.put("digest", digest);
            }
            if (error != null) {
              data.put("error", error);
            }
            events.append(
                switch (status) {
                  case SUCCEEDED -> BuildEvents.Type.SUCCEEDED;
                  case CANCELLED -> BuildEvents.Type.CANCELLED;
                  default -> BuildEvents.Type.FAILED;
                },
                ended,
                data);
          }
        });
  }

  /** One build's reports, into its rows, log and events. */
  private final class Context implements BuildContext {

    private final Build build;
    private String step;

    Context(Build build) {
      this.build = build;
    }

    @Override
    public void stepStarted(String name) {
      step = name;
      repository.stepStarted(build.id(), name);
      logs.line(build.id(), "[platform] step " + name);
    }

    @Override
    public void stepFinished(String name, boolean succeeded) {
      step = null;
      String status = succeeded ? "SUCCEEDED" : "FAILED";
      tx.executeWithoutResult(
          s -> {
            repository.stepFinished(build.id(), name, status);
            events.append(
                BuildEvents.Type.STEP_FINISHED,
                build,
                events.data(build).put("step", name).put("status", status));
          });
    }

    /** The step under way when the build stopped ends with it. */
    void finishStep(boolean succeeded) {
      if (step != null) {
        String name = step;
        step = null;
        boolean cancelled = repository.cancelRequested(build.id());
        repository.stepFinished(
            build.id(), name, succeeded ? "SUCCEEDED" : cancelled ? "CANCELLED" : "FAILED");
      }
    }

    @Override
    public void log(String line) {
      logs.line(build.id(), line);
    }

    @Override
    public void resolved(String commit, String image) {
      repository.commit(build.id(), commit, image);
      logs.line(build.id(), "[platform] commit " + commit + ", image " + image);
    }

    @Override
    public boolean cancelRequested() {
      return repository.cancelRequested(build.id());
    }
  }
}
