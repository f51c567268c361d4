package io.containercloud.logcenter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Log search and export over Elasticsearch. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LogCenterApplication {

  public static void main(String[] args) {
    SpringApplication.run(LogCenterApplication.class, args);
  }
}
