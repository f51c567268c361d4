package io.containercloud.build;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Builds (a Job per build, or containers on the platform's host), the rooms' image registries and
 * the sync policies between them, registry and git push notifications.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BuildServiceApplication {

  /**
   * The JDK HTTP client's buffer, read once when it is first used: 16 KiB by default, which makes a
   * registry-to-registry copy of large blobs pay a system call per 16 KiB each way (256 KiB copied
   * a set of images 10-20 % faster in bench/registry-sync). A value given on the command line wins.
   */
  static final String HTTP_BUFFER = "262144";

  public static void main(String[] args) {
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      System.setProperty("jdk.httpclient.bufsize", HTTP_BUFFER);
    }
    SpringApplication.run(BuildServiceApplication.class, args);
  }
}
