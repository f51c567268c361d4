package io.containercloud.orchestrator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.cloud.openfeign.EnableFeignClients;

/** Applications as groups of services; ordered start, stop and upgrade. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableFeignClients
public class AppOrchestratorApplication {

  public static void main(String[] args) {
    SpringApplication.run(AppOrchestratorApplication.class, args);
  }
}
