package io.containercloud.logagent.checkpoint;

import io.containercloud.logagent.source.SourceProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Down when offsets cannot be persisted: shipping then would re-send or lose lines on restart.
 * Creates the folder at start, so a fresh host needs no manual step.
 */
@Component("stateDir")
class StateDirHealthIndicator implements HealthIndicator {

  private final SourceProperties properties;

  StateDirHealthIndicator(SourceProperties properties) {
    this.properties = properties;
    try {
      Files.createDirectories(properties.stateDir());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create platform.log-agent.state-dir " + properties.stateDir(), e);
    }
  }

  @Override
  public Health health() {
    boolean writable =
        Files.isDirectory(properties.stateDir()) && Files.isWritable(properties.stateDir());
    return (writable ? Health.up() : Health.down())
        .withDetail("path", properties.stateDir().toString())
        .build();
  }
}
