package io.containercloud.nginxagent.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Up while the configured nginx binary runs and reports its version. */
@Component("nginx")
class NginxHealthIndicator implements HealthIndicator {

  private final NginxAgentProperties properties;

  NginxHealthIndicator(NginxAgentProperties properties) {
    this.properties = properties;
  }

  @Override
  public Health health() {
    try {
      Process process =
          new ProcessBuilder(properties.nginxBinary().toString(), "-v")
              .redirectErrorStream(true)
              .start();
      String out =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
        return Health.up().withDetail("version", out.replaceFirst("^nginx version: ", "")).build();
      }
      return Health.down().withDetail("output", out).build();
    } catch (IOException e) {
      return Health.down().withDetail("error", "cannot run " + properties.nginxBinary()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().build();
    }
  }
}
