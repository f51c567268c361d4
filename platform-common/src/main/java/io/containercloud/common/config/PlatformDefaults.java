package io.containercloud.common.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds {@code platform-defaults.yml} as the lowest-precedence settings of every service: the
 * actuator exposure, probes and problem-details behaviour that must not differ between services.
 * Any service, profile or environment variable still overrides each of them.
 */
class PlatformDefaults implements EnvironmentPostProcessor {

  private static final String NAME = "platform-defaults";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getPropertySources().contains(NAME)) {
      return;
    }
    try {
      new YamlPropertySourceLoader()
          .load(NAME, new ClassPathResource(NAME + ".yml"))
          .forEach(source -> environment.getPropertySources().addLast(source));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
