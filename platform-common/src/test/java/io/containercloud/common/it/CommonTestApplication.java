package io.containercloud.common.it;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal servlet service exercising platform-common against the real servers. */
@SpringBootApplication
public class CommonTestApplication {

  public static void main(String[] args) {
    SpringApplication.run(CommonTestApplication.class, args);
  }
}
