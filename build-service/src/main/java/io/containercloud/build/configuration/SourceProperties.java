package io.containercloud.build.configuration;

import jakarta.validation.constraints.NotEmpty;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.sources}: where code may come from.
 *
 * @param allowedHosts the hosts repositories may be cloned from (names or addresses); a URL on any
 *     other host is refused
 */
@Validated
@ConfigurationProperties("platform.build.sources")
record SourceProperties(@NotEmpty @DefaultValue("127.0.0.1") Set<String> allowedHosts) {

  SourceProperties {
    allowedHosts =
        allowedHosts.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }
}
