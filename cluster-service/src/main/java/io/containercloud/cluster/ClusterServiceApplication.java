package io.containercloud.cluster;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Cluster registry, placement of replicas across clusters, scaling, failover, web shell. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ClusterServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(ClusterServiceApplication.class, args);
  }
}
