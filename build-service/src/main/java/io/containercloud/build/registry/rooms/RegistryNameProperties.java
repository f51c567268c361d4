package io.containercloud.build.registry.rooms;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The DNS names of the rooms' registries ({@code platform.build.registry-names.*}).
 *
 * @param zone the platform's zone, the one dns-service keeps names in: each room's registry is
 *     {@code registry.<room>.<zone>}
 */
@Validated
@ConfigurationProperties("platform.build.registry-names")
record RegistryNameProperties(
    @NotNull
        @Pattern(
            regexp =
                "(?=.{1,200}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
            message = "must be a DNS zone in lowercase letters, digits, hyphens and dots")
        @DefaultValue("platform.test")
        String zone) {

  String dnsName(String room) {
    return "registry." + room + "." + zone;
  }
}
