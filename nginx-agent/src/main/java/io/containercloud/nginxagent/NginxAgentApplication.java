package io.containercloud.nginxagent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** One nginx host: renders what etcd holds, checks, reloads, reports. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NginxAgentApplication {

  public static void main(String[] args) {
    SpringApplication.run(NginxAgentApplication.class, args);
  }
}
