package io.containercloud.dns;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Zones and records kept in BIND by RFC 2136 with TSIG. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DnsServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(DnsServiceApplication.class, args);
  }
}
