package io.containercloud.build;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Builds as Kubernetes Jobs, images pushed to Harbor, Harbor webhooks. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BuildServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(BuildServiceApplication.class, args);
  }
}
