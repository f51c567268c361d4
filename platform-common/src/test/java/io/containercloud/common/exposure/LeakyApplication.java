package io.containercloud.common.exposure;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A service that shows its secret the two usual ways (a properties record's {@code toString}, a
 * start failure quoting the value), for {@code SecretExposureIT} to prove the checks catch it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LeakyApplication {

  @ConfigurationProperties("leaky")
  public record LeakyProperties(String key) {
    public LeakyProperties {
      if (key != null && key.startsWith("not!")) {
        throw new IllegalArgumentException("leaky.key " + key + " is not a key");
      }
    }
  }
}
