package io.containercloud.build.run;

import io.containercloud.build.configuration.model.ConfigurationSpec;
import java.time.Instant;
import java.util.List;

/**
 * One build of a configuration, as stored.
 *
 * @param number per configuration, from 1
 * @param spec the configuration as it was when the build was asked for
 * @param steps the steps begun, in order
 */
public record Build(
    long id,
    String tenant,
    String configuration,
    long number,
    ConfigurationSpec spec,
    Status status,
    String trigger,
    String requestedBy,
    String executor,
    boolean cancelRequested,
    String commitSha,
    String image,
    String digest,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    List<Step> steps) {

  /** Where a build stands; the last four are final. */
  public enum Status {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    INTERRUPTED;

    public boolean finished() {
      return this != QUEUED && this != RUNNING;
    }
  }

  /** A step begun: {@code clone}, {@code compile}, {@code image} or {@code push}. */
  public record Step(String name, String status, Instant startedAt, Instant finishedAt) {}
}
