package io.containercloud.build.run;

import io.containercloud.build.configuration.Configuration;
import io.containercloud.build.executor.BuildExecutor;
import io.containercloud.common.error.FieldViolation;
import io.containercloud.common.error.ProblemException;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Queues a build of a configuration, however it was asked for (the API, a git push). */
@Component
public class BuildQueue {

  private final BuildRepository repository;
  private final BuildRunner runner;
  private final BuildExecutor executor;
  private final TransactionTemplate tx;

  BuildQueue(
      BuildRepository repository,
      BuildRunner runner,
      BuildExecutor executor,
      TransactionTemplate tx) {
    this.repository = repository;
    this.runner = runner;
    this.executor = executor;
    this.tx = tx;
  }

  /**
   * The configuration as it is now, queued as its next build.
   *
   * @param trigger {@code manual} or {@code push}
   * @param requestedBy who asked: a user, or the git host
   * @throws ProblemException 422 when this executor does not build the configuration's toolchain
   */
  public Build queue(Configuration configuration, String trigger, String requestedBy) {
    if (!executor.supports(configuration.spec().toolchain())) {
      throw ProblemException.unprocessable(
          "toolchain-not-supported",
          "The "
              + executor.name()
              + " executor does not build "
              + configuration.spec().toolchain().value()
              + " yet.",
          List.of(new FieldViolation("spec.toolchain", "not built by " + executor.name())));
    }
    long number =
        tx.execute(
            s ->
                repository.insert(
                    configuration.tenant(),
                    configuration.name(),
                    configuration.spec(),
                    trigger,
                    requestedBy,
                    executor.name()));
    runner.wake();
    return repository.find(configuration.tenant(), configuration.name(), number).orElseThrow();
  }
}
