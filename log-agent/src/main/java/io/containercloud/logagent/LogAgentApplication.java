package io.containercloud.logagent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** One host's container logs shipped to Elasticsearch. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LogAgentApplication {

  public static void main(String[] args) {
    SpringApplication.run(LogAgentApplication.class, args);
  }
}
