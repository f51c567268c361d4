package io.containercloud.nginxmgr;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** nginx clusters, servers, upstreams and backend groups kept in etcd. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NginxMgrApplication {

  public static void main(String[] args) {
    SpringApplication.run(NginxMgrApplication.class, args);
  }
}
