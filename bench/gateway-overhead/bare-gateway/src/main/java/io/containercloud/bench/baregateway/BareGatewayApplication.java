package io.containercloud.bench.baregateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Cloud Gateway as it comes: the route in application.yml and no filter of the platform's. */
@SpringBootApplication
public class BareGatewayApplication {

  public static void main(String[] args) {
    SpringApplication.run(BareGatewayApplication.class, args);
  }
}
