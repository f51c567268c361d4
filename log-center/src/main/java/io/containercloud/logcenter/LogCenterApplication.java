package io.containercloud.logcenter;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Log search and export over Elasticsearch. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class LogCenterApplication {

  public static void main(String[] args) {
    SpringApplication.run(LogCenterApplication.class, args);
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
